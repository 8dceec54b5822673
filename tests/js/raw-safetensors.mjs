// Hand-built .safetensors bytes for the malformed-file tests: unlike web/js/safetensors.js, this
// writes whatever it is given — any header text, any declared header length, any data bytes.
// Layout: [u64 LE header length][header bytes][data bytes]

// header: an object (written with JSON.stringify) or a string (written as is).
// data: Uint8Array, Float32Array or number[] (as F32). headerLength: the declared length, if it
// must lie (default: the real one).
export function rawSafetensors(header, data = new Uint8Array(0), { headerLength } = {}) {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = data instanceof Uint8Array ? data : new Uint8Array(Float32Array.from(data).buffer);
  const out = new Uint8Array(8 + text.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? text.length), true);
  out.set(text, 8);
  out.set(body, 8 + text.length);
  return out;
}

// The header of a well-formed file for these tensors, laid out back to back in the given order:
// {"__metadata__": metadata, name: {dtype: "F32", shape, data_offsets}}, plus the data bytes.
// Tests edit the returned header before writing it with rawSafetensors.
export function headerAndData(tensors, metadata) {
  const header = metadata ? { __metadata__: { ...metadata } } : {};
  let offset = 0;
  for (const { name, shape, data } of tensors) {
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + 4 * data.length] };
    offset += 4 * data.length;
  }
  const values = new Float32Array(tensors.reduce((n, t) => n + t.data.length, 0));
  let at = 0;
  for (const { data } of tensors) {
    values.set(data, at);
    at += data.length;
  }
  return { header, data: new Uint8Array(values.buffer) };
}
