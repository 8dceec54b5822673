// The ROC curve of a binary classifier as points to draw: the cut on the score moves from above
// the highest score down to below the lowest; at each cut ε_S = signals passing / signals and
// ε_B = backgrounds passing / backgrounds. Labels: 1 = signal (W/Z), 0 = background (QCD).
// Equal scores are one cut (the engine's cs.rocAuc counts them the same way). The AUC and the
// background rejection quoted on the page come from the engine; this only draws.

// scores, labels (same length, both classes present) → {signal: [ε_S], background: [ε_B]}, from
// (0, 0) to (1, 1), thinned to about maxPoints points (the thinning keeps the curve's ends).
export function rocCurve(scores, labels, maxPoints = 400) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  let signals = 0;
  for (const l of labels) signals += l;
  const backgrounds = labels.length - signals;
  if (!signals || !backgrounds) throw new Error('ROC curve: needs jets of both classes');
  const every = Math.max(1, Math.floor(order.length / maxPoints));
  const signal = [0], background = [0];
  let s = 0, b = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (labels[i] === 1) s++;
    else b++;
    const tieNext = k + 1 < order.length && scores[order[k + 1]] === scores[i];
    if (tieNext || (k % every !== 0 && k !== order.length - 1)) continue;
    signal.push(s / signals);
    background.push(b / backgrounds);
  }
  return { signal, background };
}

// The curve as physicists plot it: (ε_S, 1/ε_B) for ε_S > 0 and ε_B > 0.
export function rejectionCurve({ signal, background }) {
  const points = [];
  for (let k = 0; k < signal.length; k++) {
    if (signal[k] > 0 && background[k] > 0) points.push([signal[k], 1 / background[k]]);
  }
  return points;
}
