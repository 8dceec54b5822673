// The filter editor: K×K labelled number inputs laid out like the filter, plus a bias input.
// Handed its container and bias input; reports every valid edit through onChange(filter, bias).
// An input that is not a number in [−LIMIT, LIMIT] is marked aria-invalid and ignored (the page
// keeps its last good state).

const LIMIT = 1000;

const ordinal = (r, c) => `row ${r + 1}, column ${c + 1}`;

// container: an element to fill with the K×K inputs; bias: an <input type="number">.
export function createFilterEditor(container, biasInput, { size, onChange }) {
  const doc = container.ownerDocument;
  const inputs = [];
  container.style.setProperty('--k', String(size));
  const cells = [];
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const id = `weight-${r + 1}-${c + 1}`;
      const label = doc.createElement('label');
      label.className = 'visually-hidden';
      label.htmlFor = id;
      label.textContent = `Filter weight, ${ordinal(r, c)}`;
      const input = doc.createElement('input');
      input.type = 'number';
      input.id = id;
      input.step = 'any';
      input.inputMode = 'decimal';
      input.min = String(-LIMIT);
      input.max = String(LIMIT);
      input.dataset.row = String(r);
      input.dataset.col = String(c);
      inputs.push(input);
      const cell = doc.createElement('span');
      cell.className = 'weight-cell';
      cell.append(label, input);
      cells.push(cell);
    }
  }
  container.replaceChildren(...cells);

  const parse = (input) => {
    const text = input.value.trim();
    const v = text === '' ? NaN : Number(text);
    const ok = Number.isFinite(v) && Math.abs(v) <= LIMIT;
    input.setAttribute('aria-invalid', String(!ok));
    return ok ? v : NaN;
  };
  const read = () => {
    const values = inputs.map(parse);
    const bias = parse(biasInput);
    if (!values.every(Number.isFinite) || !Number.isFinite(bias)) return null;
    return { filter: Array.from({ length: size }, (_, r) => values.slice(r * size, (r + 1) * size)), bias };
  };
  const changed = () => {
    const v = read();
    if (v) onChange(v.filter, v.bias);
  };
  for (const input of [...inputs, biasInput]) input.addEventListener('input', changed);

  return {
    // Shows filter [K][K] and bias in the inputs (no onChange).
    set(filter, bias) {
      filter.flat().forEach((v, i) => {
        inputs[i].value = String(v);
        inputs[i].setAttribute('aria-invalid', 'false');
      });
      biasInput.value = String(bias);
      biasInput.setAttribute('aria-invalid', 'false');
    },
  };
}
