// Which cell of the layer panels a pointer event points at, and whether two picks are the same
// cell. A pick is {layer, part, channel?, y?, x?, index?}: a map cell (part 'output'), a filter or
// a unit's weight image (part 'weights', channel only), or value `index` of a vector output.
// Handed the panel views and layer geometries; knows nothing of the document.

import { moveSelection } from '../render/receptive-field.js';

// e: a pointer event inside the panels; views: [{panel}] (null for a panel that failed);
// geoms: layerGeometry(architecture). → a pick, or null.
export function cellAt(e, views, geoms) {
  const section = e.target.closest?.('[data-layer]');
  const layer = views.findIndex((v) => v && v.panel === section);
  if (layer < 0) return null;
  const td = e.target.closest('table.vector-table td');
  if (td) return { layer, part: 'output', index: td.cellIndex };
  const fig = e.target.closest('figure.map');
  const canvas = fig?.querySelector('canvas');
  if (!canvas) return null;
  const r = canvas.getBoundingClientRect();
  const col = Math.min(canvas.width - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * canvas.width)));
  const row = Math.min(canvas.height - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * canvas.height)));
  const part = fig.dataset.part;
  if (part === 'weights') return { layer, part, channel: Number(fig.dataset.channel) };
  if (fig.dataset.channel !== undefined) return { layer, part, channel: Number(fig.dataset.channel), y: row, x: col };
  const index = row * Number(canvas.dataset.cols) + col;
  return index < geoms[layer].outDims[0] ? { layer, part, index } : null;
}

export const sameCell = (a, b) => a && b && ['layer', 'part', 'channel', 'y', 'x', 'index'].every((k) => a[k] === b[k]);

// A key pressed in a focused set of maps (.maps[data-layer-index]): arrow keys move the picked cell
// inside it, [ and ] change the map. → the new pick, null for Escape (clear), undefined when the
// key is none of these or not in a set of maps.
export function cellForKey(e, selection, geoms) {
  const maps = e.target.closest?.('.maps');
  if (!maps) return undefined;
  if (e.key === 'Escape') return null;
  const layer = Number(maps.dataset.layerIndex);
  const part = maps.closest('.layer-part').dataset.part;
  const cols = Number(maps.querySelector('canvas')?.dataset.cols) || geoms[layer].outDims[0];
  const count = maps.querySelectorAll('figure.map').length;
  return moveSelection(selection, e.key, { layer, part, geom: geoms[layer], count, cols }) ?? undefined;
}
