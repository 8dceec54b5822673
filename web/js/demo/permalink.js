// The drawing page's state in the URL hash, so a drawing can be shared or kept as a link:
//   #model=dnn&sample=3&ink=<strokes>&why=3&makeit=8
// model: a shipped model's key (a file from the reader's own computer cannot be in a link);
// sample: the position of a chosen MNIST sample digit; ink: the strokes drawn (over the sample);
// any other key: a panel's state, kept as text ("parts", e.g. the "Why this digit?" panels').
// Strokes are [[{x, y}]] in the pad's backing pixels, kept to 1/8 pixel: per stroke its point count,
// then its first point and each step to the next as (dx, dy), every number a zigzag varint; the
// bytes in base64url. A digit of a few strokes takes a few hundred characters. The hash never
// reaches a server.

const UNIT = 8;  // steps per backing pixel
const MAX_POINTS = 100_000;  // a pasted link cannot make the page allocate without bound

// Strokes rounded to what a link keeps: showing these makes the page match its link exactly.
export const quantizeStrokes = (strokes) => strokes.map((s) => s.map(({ x, y }) => ({ x: Math.round(x * UNIT) / UNIT, y: Math.round(y * UNIT) / UNIT })));

function writeVarint(bytes, n) {
  let z = n < 0 ? -2 * n - 1 : 2 * n;  // zigzag: small magnitudes, small numbers
  while (z >= 0x80) {
    bytes.push((z & 0x7f) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
}

export function encodeStrokes(strokes) {
  const bytes = [];
  for (const stroke of strokes) {
    writeVarint(bytes, stroke.length);
    let px = 0, py = 0;
    for (const { x, y } of stroke) {
      const qx = Math.round(x * UNIT), qy = Math.round(y * UNIT);
      writeVarint(bytes, qx - px);
      writeVarint(bytes, qy - py);
      [px, py] = [qx, qy];
    }
  }
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

// The inverse of encodeStrokes; throws an Error saying what is wrong with text.
export function decodeStrokes(text) {
  let binary;
  try {
    binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    throw new Error('the drawing in this link is not valid base64url');
  }
  let at = 0, points = 0;
  const read = () => {
    let z = 0, shift = 1;
    for (;;) {
      if (at >= binary.length) throw new Error('the drawing in this link is cut short');
      const b = binary.charCodeAt(at++);
      z += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 0x80;
      if (shift > 2 ** 35) throw new Error('the drawing in this link has a number out of range');
    }
    return z % 2 ? -(z + 1) / 2 : z / 2;
  };
  const strokes = [];
  while (at < binary.length) {
    const n = read();
    points += n;
    if (n < 1 || points > MAX_POINTS) throw new Error(`the drawing in this link has a stroke of ${n} points`);
    const stroke = [];
    let qx = 0, qy = 0;
    for (let i = 0; i < n; i++) {
      qx += read();
      qy += read();
      stroke.push({ x: qx / UNIT, y: qy / UNIT });
    }
    strokes.push(stroke);
  }
  return strokes;
}

// {model, sample (index or null), strokes, parts ({key: text})} → '#…' (empty parts left out).
export function stateToHash({ model, sample = null, strokes = [], parts = {} }) {
  const params = new URLSearchParams({ model });
  if (sample !== null) params.set('sample', String(sample));
  if (strokes.length) params.set('ink', encodeStrokes(strokes));
  for (const [key, text] of Object.entries(parts)) if (text !== '' && !DRAWING_KEYS.includes(key)) params.set(key, text);
  return `#${params}`;
}

const DRAWING_KEYS = ['model', 'sample', 'ink'];

// '#…' → {model (string or null), sample (integer ≥ 0 or null), strokes, parts}, or null when the
// hash holds no state. Throws an Error naming what is wrong.
export function stateFromHash(hash) {
  if (!hash.includes('=')) return null;  // empty, or an anchor such as #why: no state
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const sampleText = params.get('sample');
  const sample = sampleText === null ? null : Number(sampleText);
  if (sample !== null && !(Number.isInteger(sample) && sample >= 0)) throw new Error(`sample "${sampleText}" in this link is not a sample number`);
  const parts = Object.fromEntries([...params].filter(([key]) => !DRAWING_KEYS.includes(key)));
  return { model: params.get('model'), sample, strokes: params.has('ink') ? decodeStrokes(params.get('ink')) : [], parts };
}
