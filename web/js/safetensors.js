// safetensors writer: named F32 tensors (+ string metadata) → the bytes of a .safetensors file.
// Layout: [u64 LE header length N][N bytes of JSON, space-padded so 8 + N is a multiple of 8]
//         [data area: each tensor's F32 little-endian values, in the given order, back to back]
// Header: {"__metadata__": {k: "v"}, "<name>": {"dtype": "F32", "shape": [...],
//          "data_offsets": [begin, end]}} with offsets in bytes, relative to the data area.

const F32_BYTES = 4;
// The file's F32 values are little-endian, as a Float32Array is on every browser's machine: then
// each tensor is copied in one call instead of value by value (~25 ms before the lesson was ready).
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// tensors: [{name, shape: number[], data: Float32Array | number[]}], metadata: {key: string}
export function encodeSafetensors(tensors, metadata = {}) {
  const header = {};
  const metaKeys = Object.keys(metadata);
  if (metaKeys.length > 0) {
    for (const key of metaKeys) {
      if (typeof metadata[key] !== 'string') {
        throw new Error(`__metadata__.${key}: must be a string, got ${typeof metadata[key]}`);
      }
    }
    header.__metadata__ = { ...metadata };
  }

  let offset = 0;
  for (const { name, shape, data } of tensors) {
    checkTensor(name, shape, data, header);
    const bytes = data.length * F32_BYTES;
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);  // pad with spaces, as the spec allows

  let at = 8 + headerLength;  // a multiple of 8, so every tensor starts 4-byte aligned
  for (const { data } of tensors) {
    if (LITTLE_ENDIAN) new Float32Array(out.buffer, at, data.length).set(data);
    else for (let i = 0; i < data.length; i++) view.setFloat32(at + i * F32_BYTES, data[i], true);
    at += data.length * F32_BYTES;
  }
  return out;
}

function checkTensor(name, shape, data, header) {
  if (typeof name !== 'string' || name === '' || name === '__metadata__') {
    throw new Error(`tensor name ${JSON.stringify(name)}: must be a non-empty string other than __metadata__`);
  }
  if (Object.prototype.hasOwnProperty.call(header, name)) {
    throw new Error(`${name}: duplicate tensor name`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${name}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (data == null || typeof data.length !== 'number') {
    throw new Error(`${name}: data must be a Float32Array or an array of numbers`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(`${name}: shape [${shape}] holds ${count} values, data has ${data.length}`);
  }
}
