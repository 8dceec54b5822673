// Step controls for the sliding window: Previous / Play–Pause / Next buttons and a range scrubber
// over the positions 0 … count−1. Handed its elements; calls onStep(step) whenever the step changes.

const PLAY_INTERVAL_MS = 750;

// els: {previous, play, next, range, status}; describe(step, count) → the status sentence.
export function createStepper(els, { onStep, describe }) {
  let count = 1;
  let step = 0;
  let timer = null;

  const paint = () => {
    els.range.max = String(count - 1);
    els.range.value = String(step);
    els.range.setAttribute('aria-valuetext', describe(step, count));
    els.previous.disabled = step === 0;
    els.next.disabled = step === count - 1;
    els.status.textContent = describe(step, count);
  };

  const go = (i) => {
    const next = Math.max(0, Math.min(count - 1, i));
    if (next === step) return paint();
    step = next;
    paint();
    onStep(step);
  };

  const stop = () => {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    els.play.textContent = 'Play';
    els.play.setAttribute('aria-pressed', 'false');
  };

  const start = () => {
    if (step === count - 1) go(0);
    els.play.textContent = 'Pause';
    els.play.setAttribute('aria-pressed', 'true');
    timer = setInterval(() => {
      go(step + 1);
      if (step === count - 1) stop();
    }, PLAY_INTERVAL_MS);
  };

  els.previous.addEventListener('click', () => { stop(); go(step - 1); });
  els.next.addEventListener('click', () => { stop(); go(step + 1); });
  els.play.addEventListener('click', () => (timer === null ? start() : stop()));
  els.range.addEventListener('input', () => { stop(); go(Number(els.range.value)); });

  return {
    get step() { return step; },
    // New number of positions (the feature map changed size); keeps the step if it still exists.
    setCount(n) {
      count = Math.max(1, n);
      if (step > count - 1) step = count - 1;
      if (timer !== null && step === count - 1) stop();
      paint();
    },
    go(i) { stop(); go(i); },
    stop,
  };
}
