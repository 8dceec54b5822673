// safetensors reader: the bytes of a .safetensors file → {metadata, tensors}. The page reads the
// weights from the model file it loaded, to show filters and to explain a cell's dot product.
// Layout: [u64 LE header length N][N bytes of JSON header][data area]; the header maps each name
// to {"dtype", "shape", "data_offsets": [begin, end]} (bytes, relative to the data area) and may
// hold "__metadata__" (string → string). Only F32 (little-endian) tensors are decoded.

const MAX_HEADER = 100 * 1024 * 1024;
// F32 values are little-endian in the file, as a Float32Array is on every browser's machine: then
// a tensor is one copy of its bytes (the data area need not be 4-byte aligned) instead of a read
// per value, which the drawing page paid before it was ready.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// bytes: Uint8Array → {metadata: {key: string}, tensors: Map<name, {shape: number[], data: Float32Array}>}
export function decodeSafetensors(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new Error('safetensors: expected a Uint8Array');
  if (bytes.length < 8) throw new Error(`safetensors: file has ${bytes.length} bytes, needs at least 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    throw new Error(`safetensors: header length ${headerLength} exceeds the file (${bytes.length} bytes)`);
  }
  const n = Number(headerLength);
  let header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`safetensors: header is not JSON (${e.message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error('safetensors: header is not an object');

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata = { ...(header.__metadata__ ?? {}) };
  const tensors = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = info ?? {};
    if (dtype !== 'F32') throw new Error(`${name}: dtype ${JSON.stringify(dtype)}, this page reads F32 only`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`${name}: bad shape ${JSON.stringify(shape)}`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isSafeInteger)) {
      throw new Error(`${name}: bad data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets;
    if (begin < 0 || end < begin || end > dataLength || end - begin !== count * 4) {
      throw new Error(`${name}: data_offsets [${begin}, ${end}] do not hold ${count} F32 values in a data area of ${dataLength} bytes`);
    }
    let data;
    if (LITTLE_ENDIAN) {
      data = new Float32Array(bytes.slice(dataStart + begin, dataStart + end).buffer);
    } else {
      data = new Float32Array(count);
      for (let i = 0, at = dataStart + begin; i < count; i++, at += 4) data[i] = view.getFloat32(at, true);
    }
    tensors.set(name, { shape, data });
  }
  return { metadata, tensors };
}
