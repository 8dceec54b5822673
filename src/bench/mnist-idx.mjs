// MNIST IDX files (big-endian; images magic 0x803, labels 0x801) → pixels in [0, 1], labels.
// Browser and Node: takes the bytes, reads nothing itself.
export function parseMnist(imageBytes, labelBytes) {
  const img = new DataView(imageBytes.buffer, imageBytes.byteOffset, imageBytes.byteLength);
  const lab = new DataView(labelBytes.buffer, labelBytes.byteOffset, labelBytes.byteLength);
  if (img.getUint32(0) !== 0x803 || lab.getUint32(0) !== 0x801) throw new Error('mnist: not IDX image/label files');
  const count = img.getUint32(4);
  const size = img.getUint32(8) * img.getUint32(12);
  if (lab.getUint32(4) !== count || imageBytes.length !== 16 + count * size) throw new Error('mnist: sizes do not match');
  const images = new Float32Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = imageBytes[16 + i] / 255;
  return { count, size, images, labels: Int32Array.from(labelBytes.subarray(8, 8 + count)) };
}
