// The ROC curve of a binary classifier as points to draw. The engine computes it (cs.rocCurve,
// the same curve its rocAuc and backgroundRejection integrate): the cut on the score moves from
// above the highest score down to below the lowest; at each cut ε_S = signals passing / signals
// and ε_B = backgrounds passing / backgrounds; equal scores are one cut. Labels: 1 = signal
// (W/Z), 0 = background (QCD). This module only thins it for drawing.

// scores, labels (same length, both classes present) → {signal: [ε_S], background: [ε_B]}, from
// (0, 0) to (1, 1), thinned to about maxPoints points (the thinning keeps the curve's ends).
// Throws the engine's Error for scores and labels it cannot score.
export function rocCurve(cs, scores, labels, maxPoints = 400) {
  const { signalEfficiency, backgroundEfficiency } = cs.rocCurve(scores, labels);
  const n = signalEfficiency.length, every = Math.max(1, Math.floor((n - 1) / maxPoints));
  const signal = [], background = [];
  for (let k = 0; k < n; k++) {
    if (k % every !== 0 && k !== n - 1) continue;
    signal.push(signalEfficiency[k]);
    background.push(backgroundEfficiency[k]);
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
