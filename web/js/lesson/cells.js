// Cell-level decoration of grids drawn by render/grid.js: clickable, keyboard-navigable cells
// (roving tabindex: one Tab stop per grid, arrow keys move, Enter/Space activate), window outlines,
// and per-cell classes. Handed its tables; knows nothing of the engine.

// table.rows as [row][col] of <td>.
export function cellsOf(table) {
  return Array.from(table.rows, (tr) => Array.from(tr.cells));
}

// Makes table's cells activatable. Call once; call the returned refresh() after every re-render.
// label(r, c, td) → the cell's accessible name; onActivate(r, c) runs on click, Enter or Space.
// After onActivate re-renders the table, refresh() puts the focus back on the same cell.
export function interactiveGrid(table, { label, onActivate, describedBy }) {
  let active = [0, 0];  // the cell holding tabindex 0
  let refocus = false;

  table.setAttribute('role', 'grid');
  if (describedBy) table.setAttribute('aria-describedby', describedBy);

  const at = (r, c) => table.rows[r]?.cells[c];
  const focusCell = (r, c) => {
    const td = at(r, c);
    if (!td) return;
    for (const row of cellsOf(table)) for (const cell of row) cell.tabIndex = -1;
    td.tabIndex = 0;
    active = [r, c];
    td.focus();
  };
  const position = (target) => {
    const td = target.closest('td');
    if (!td || !table.contains(td)) return null;
    return [td.parentElement.rowIndex, td.cellIndex];
  };
  const activate = (r, c) => {
    active = [r, c];
    refocus = true;
    onActivate(r, c);
  };

  table.addEventListener('click', (event) => {
    const p = position(event.target);
    if (p) activate(...p);
  });
  table.addEventListener('keydown', (event) => {
    const p = position(event.target);
    if (!p) return;
    const [r, c] = p;
    const rows = table.rows.length;
    const cols = table.rows[0]?.cells.length ?? 0;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      const [dr, dc] = moves[event.key];
      focusCell(Math.min(rows - 1, Math.max(0, r + dr)), Math.min(cols - 1, Math.max(0, c + dc)));
    } else if (event.key === 'Home') {
      focusCell(r, 0);
    } else if (event.key === 'End') {
      focusCell(r, cols - 1);
    } else if (event.key === 'Enter' || event.key === ' ') {
      activate(r, c);
    } else {
      return;
    }
    event.preventDefault();
  });

  return function refresh() {
    const cells = cellsOf(table);
    if (!cells.length) return;
    let [ar, ac] = active;
    ar = Math.min(ar, cells.length - 1);
    ac = Math.min(ac, cells[0].length - 1);
    cells.forEach((row, r) => row.forEach((td, c) => {
      td.tabIndex = r === ar && c === ac ? 0 : -1;
      td.classList.add('clickable');
      td.setAttribute('aria-label', label(r, c, td));
    }));
    if (refocus) {
      refocus = false;
      cells[ar][ac].focus();
    }
  };
}

// Outlines the K×K window whose top-left cell is (top, left) and dims the cells outside it.
export function markWindow(table, top, left, size) {
  cellsOf(table).forEach((row, r) => row.forEach((td, c) => {
    const inside = r >= top && r < top + size && c >= left && c < left + size;
    td.classList.toggle('outside-window', !inside);
    td.classList.toggle('in-window', inside);
    td.classList.toggle('win-top', inside && r === top);
    td.classList.toggle('win-bottom', inside && r === top + size - 1);
    td.classList.toggle('win-left', inside && c === left);
    td.classList.toggle('win-right', inside && c === left + size - 1);
  }));
}

// Marks the padding ring (the outer `padding` rows and columns) of a padded input.
export function markPadding(table, padding) {
  const cells = cellsOf(table);
  const h = cells.length;
  cells.forEach((row, r) => row.forEach((td, c) => {
    const ring = r < padding || c < padding || r >= h - padding || c >= row.length - padding;
    td.classList.toggle('pad-cell', ring);
  }));
}

// Adds thick lines between the non-overlapping size×size pooling blocks; cells that fit no whole
// block (the pool drops them) get "dropped".
export function markBlocks(table, size) {
  const cells = cellsOf(table);
  const fullRows = Math.floor(cells.length / size) * size;
  cells.forEach((row, r) => {
    const fullCols = Math.floor(row.length / size) * size;
    row.forEach((td, c) => {
      const dropped = r >= fullRows || c >= fullCols;
      td.classList.toggle('dropped', dropped);
      td.classList.toggle('block-top', !dropped && r % size === 0);
      td.classList.toggle('block-left', !dropped && c % size === 0);
      td.classList.toggle('block-bottom', !dropped && r === fullRows - 1);
      td.classList.toggle('block-right', !dropped && c === fullCols - 1);
      td.classList.toggle('block-odd', !dropped && (Math.floor(r / size) + Math.floor(c / size)) % 2 === 1);
    });
  });
}

// Rings one cell (the feature-map value being computed); with pendingAfter, cells after it in
// reading order are "pending": they keep their number (tests and screen readers read it) but show blank.
export function markCurrent(table, row, col, { pendingAfter = false } = {}) {
  cellsOf(table).forEach((cells, r) => cells.forEach((td, c) => {
    td.classList.toggle('current', r === row && c === col);
    td.classList.toggle('pending', pendingAfter && (r > row || (r === row && c > col)));
  }));
}
