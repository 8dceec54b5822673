// DrawPad: freehand drawing on a <canvas> with Pointer Events (mouse, touch, pen), as strokes that
// can be undone one at a time, over an optional background picture. Knows nothing of the engine:
// it hands out the ink as bytes (the canvas alpha channel, 0 = nothing, 255 = full ink).
//
// The canvas keeps a fixed backing size (its width/height attributes); CSS may scale it, and
// pointer positions are mapped back. Strokes are smoothed with quadratic curves through the
// midpoints of successive points. Stroke width defaults to 1/14 of the canvas width: a digit
// drawn across ~70% of the pad is then ~2 px wide after scaling to MNIST's 20-px box.
// The element needs `touch-action: none` (CSS) so touch draws instead of scrolling.

const INK = '#111111';
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;  // RGBA's alpha is then a word's top byte
const MIN_STEP = 0.75;  // backing pixels between recorded points

export class DrawPad {
  // onChange(kind): 'draw' while a stroke grows, 'end' when it ends, 'undo', 'clear', 'background',
  // 'strokes' (setStrokes)
  constructor(canvas, { lineWidth = canvas.width / 14, onChange = () => {} } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.lineWidth = lineWidth;
    this.onChange = onChange;
    this.strokes = [];  // [[{x, y}]] in backing pixels
    this.active = null;  // {pointerId, points}
    this.background = null;  // a canvas drawn under the strokes
    this.handlers = {
      pointerdown: (e) => this.down(e),
      pointermove: (e) => this.move(e),
      pointerup: (e) => this.up(e),
      pointercancel: (e) => this.up(e),
      lostpointercapture: (e) => this.up(e),
    };
    for (const [type, fn] of Object.entries(this.handlers)) canvas.addEventListener(type, fn);
  }

  destroy() {
    for (const [type, fn] of Object.entries(this.handlers)) this.canvas.removeEventListener(type, fn);
  }

  // True when there is neither a stroke nor a background.
  get isEmpty() {
    return this.strokes.length === 0 && !this.active && !this.background;
  }

  get strokeCount() {
    return this.strokes.length + (this.active ? 1 : 0);
  }

  // {pixels: Uint8Array(width·height), width, height}: the alpha channel, row-major. It runs at
  // every stroke move: the array is the pad's own, refilled by the next call (copy it to keep it),
  // and read four bytes at a time.
  ink() {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    if (this.inkPixels?.length !== width * height) this.inkPixels = new Uint8Array(width * height);
    const pixels = this.inkPixels;
    if (LITTLE_ENDIAN) {
      const words = new Uint32Array(rgba.buffer, rgba.byteOffset, pixels.length);
      for (let i = 0; i < pixels.length; i++) pixels[i] = words[i] >>> 24;
    } else {
      for (let i = 0, j = 3; i < pixels.length; i++, j += 4) pixels[i] = rgba[j];
    }
    return { pixels, width, height };
  }

  clear() {
    this.strokes = [];
    this.active = null;
    this.background = null;
    this.redraw();
    this.onChange('clear');
  }

  undo() {
    if (this.active) this.active = null;
    else if (this.strokes.length) this.strokes.pop();
    else if (this.background) this.background = null;
    else return;
    this.redraw();
    this.onChange('undo');
  }

  // Shows a grey image (bytes 0..255, ink = 255) under the strokes, fitted into the middle
  // `fill` of the pad, smoothly enlarged. Replaces strokes and any earlier background.
  setBackground(pixels, width, height, fill = 0.8) {
    const small = this.canvas.ownerDocument.createElement('canvas');
    small.width = width;
    small.height = height;
    const image = small.getContext('2d').createImageData(width, height);
    for (let i = 0; i < pixels.length; i++) {
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = 17;
      image.data[4 * i + 3] = pixels[i];
    }
    small.getContext('2d').putImageData(image, 0, 0);
    const { width: w, height: h } = this.canvas;
    const scale = Math.min((w * fill) / width, (h * fill) / height);
    const big = this.canvas.ownerDocument.createElement('canvas');
    big.width = w;
    big.height = h;
    const ctx = big.getContext('2d');
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(small, (w - width * scale) / 2, (h - height * scale) / 2, width * scale, height * scale);
    this.background = big;
    this.strokes = [];
    this.active = null;
    this.redraw();
    this.onChange('background');
  }

  // Replaces the strokes (not the background) with strokes [[{x, y}]] in backing pixels, e.g.
  // from a link.
  setStrokes(strokes) {
    this.strokes = strokes.map((points) => points.map(({ x, y }) => ({ x, y })));
    this.active = null;
    this.redraw();
    this.onChange('strokes');
  }

  // Backing-store coordinates of a pointer event.
  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) / (r.width || 1)) * this.canvas.width,
      y: ((e.clientY - r.top) / (r.height || 1)) * this.canvas.height,
    };
  }

  down(e) {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (this.active) return;  // one stroke at a time (a second finger is ignored)
    e.preventDefault();
    try {
      this.canvas.setPointerCapture(e.pointerId);  // keep the stroke when the pointer leaves the pad
    } catch {
      // a synthetic event's pointer cannot be captured; drawing works without
    }
    this.active = { pointerId: e.pointerId, points: [this.point(e)] };
    this.redraw();
    this.onChange('draw');
  }

  move(e) {
    if (!this.active || e.pointerId !== this.active.pointerId) return;
    e.preventDefault();
    const events = e.getCoalescedEvents?.() ?? [];
    const points = this.active.points;
    for (const ev of events.length ? events : [e]) {
      const p = this.point(ev);
      const last = points[points.length - 1];
      if (Math.hypot(p.x - last.x, p.y - last.y) >= MIN_STEP) points.push(p);
    }
    this.redraw();
    this.onChange('draw');
  }

  up(e) {
    if (!this.active || e.pointerId !== this.active.pointerId) return;
    const { points } = this.active;
    this.active = null;
    this.strokes.push(points);
    this.redraw();
    this.onChange('end');
  }

  redraw() {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.background) ctx.drawImage(this.background, 0, 0);
    ctx.strokeStyle = ctx.fillStyle = INK;
    ctx.lineWidth = this.lineWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const points of this.active ? [...this.strokes, this.active.points] : this.strokes) drawStroke(ctx, points, this.lineWidth);
  }
}

// A dot for one point; else a curve through the midpoints, with the points as control points.
function drawStroke(ctx, points, width) {
  ctx.beginPath();
  if (points.length === 1) {
    ctx.arc(points[0].x, points[0].y, width / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.moveTo(points[0].x, points[0].y);
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i], q = points[i + 1];
    ctx.quadraticCurveTo(p.x, p.y, (p.x + q.x) / 2, (p.y + q.y) / 2);
  }
  const last = points[points.length - 1];
  ctx.lineTo(last.x, last.y);
  ctx.stroke();
}
