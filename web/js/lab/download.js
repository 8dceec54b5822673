// Saving bytes as a file: a Blob URL on a temporary <a download>, clicked, then revoked (after
// the click has handed the Blob to the download).

export function downloadBytes(doc, bytes, fileName) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
