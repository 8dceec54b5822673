// "Save as PNG" for a panel: one picture of what the panel shows: its canvases (heat maps, filters,
// strips), numeric tables, sub-headings, captions and colour legends, each where it sits on screen,
// under a title line, on white. Canvases are enlarged without smoothing, as on the page. Handed the
// panel; knows nothing of the engine.

const SCALE = 2;  // output pixels per CSS pixel
const MAX_SIDE = 4096;  // a very wide panel is drawn smaller rather than failing
const PAD = 8;  // CSS px of margin
const TITLE_HEIGHT = 24;  // CSS px
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

const visible = (r) => r.width > 0 && r.height > 0;
const KINDS = [['canvas', 'canvas'], ['table td, table th', 'cell'], ['h4, figcaption, .legend-label', 'text'], ['.legend-bar', 'bar']];

// A CSS linear-gradient's colour stops → [[offset 0..1, colour]] (legend bars; see grid.js).
const gradientStops = (css) => [...css.matchAll(/(rgba?\([^)]*\))\s+([\d.]+)%/g)].map(([, colour, at]) => [Number(at) / 100, colour]);

// panel: an element holding <canvas>es and/or <table>s; title: the line above → a new <canvas>.
export function panelSnapshot(panel, title) {
  const doc = panel.ownerDocument;
  const view = doc.defaultView;
  const items = KINDS.flatMap(([selector, kind]) => [...panel.querySelectorAll(selector)].map((node) => ({ node, kind })))
    .map((item) => ({ ...item, rect: item.node.getBoundingClientRect() })).filter((item) => visible(item.rect));
  if (!items.some((i) => i.kind === 'canvas' || i.kind === 'cell')) throw new Error('this panel has no pictures to save yet');

  const left = Math.min(...items.map((i) => i.rect.left));
  const top = Math.min(...items.map((i) => i.rect.top));
  const width = Math.max(...items.map((i) => i.rect.right)) - left + 2 * PAD;
  const height = Math.max(...items.map((i) => i.rect.bottom)) - top + 2 * PAD + TITLE_HEIGHT;
  const scale = Math.min(SCALE, MAX_SIDE / width, MAX_SIDE / height);

  const out = doc.createElement('canvas');
  out.width = Math.ceil(width * scale);
  out.height = Math.ceil(height * scale);
  const ctx = out.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#1b1f24';
  ctx.font = `600 14px ${FONT}`;
  ctx.textBaseline = 'middle';
  ctx.fillText(title, PAD, PAD + TITLE_HEIGHT / 2, width - 2 * PAD);

  ctx.imageSmoothingEnabled = false;
  for (const { node, kind, rect } of items) {
    const x = rect.left - left + PAD;
    const y = rect.top - top + PAD + TITLE_HEIGHT;
    if (kind === 'canvas') {
      if (node.width && node.height) ctx.drawImage(node, x, y, rect.width, rect.height);
      continue;
    }
    const style = view.getComputedStyle(node);
    if (kind === 'bar') {
      const gradient = ctx.createLinearGradient(x, 0, x + rect.width, 0);
      for (const [at, colour] of gradientStops(style.backgroundImage)) gradient.addColorStop(at, colour);
      ctx.fillStyle = gradient;
      ctx.fillRect(x, y, rect.width, rect.height);
      continue;
    }
    ctx.font = `${style.fontWeight} ${style.fontSize} ${FONT}`;
    if (kind === 'text') {
      ctx.fillStyle = style.color;
      ctx.fillText(node.textContent.trim(), x, y + rect.height / 2, rect.width + PAD);
      continue;
    }
    if (style.backgroundColor !== 'rgba(0, 0, 0, 0)') {
      ctx.fillStyle = style.backgroundColor;
      ctx.fillRect(x, y, rect.width, rect.height);
    }
    ctx.fillStyle = style.color;
    ctx.textAlign = 'center';
    ctx.fillText(node.textContent.trim(), x + rect.width / 2, y + rect.height / 2, rect.width);
    ctx.textAlign = 'start';
  }
  return out;
}

// Downloads canvas as filename (a PNG). → Promise, resolved once the download is handed over.
export function downloadPng(canvas, filename) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('the browser could not encode the picture'));
      const doc = canvas.ownerDocument;
      const a = doc.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = filename;
      doc.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);  // after the browser has read it
      resolve();
    }, 'image/png');
  });
}
