// The drawing page's state, one object shared by the parts main.js is split into (update-loop.js,
// cell-selection.js, model-choice.js, share-link.js, evidence-bridge.js): the engine, the models,
// the pad, the last forward pass, the picked cell, and the deeper sections once they exist.
// The parts call each other in one direction (main → share-link → model-choice → update-loop →
// cell-selection); the two calls back the other way go through hooks main.js sets:
// app.scheduler (runs the update, at most once a frame) and app.keepLink() (the URL follows).

export function createAppState(base) {
  return {
    base,  // the page's base URL
    cs: null,  // the engine
    models: new Map(),  // key ('cnn', 'dnn', 'own', …) → loaded model with its texts
    current: null,  // key of the model in use
    geoms: [], views: [],  // per layer: its geometry and its panel
    panelsShown: false,  // whether updates draw the panels yet (update-loop.js showPanels)
    sample: null, samples: [],  // the MNIST test digit on the pad, and all of them
    result: null, picture: null,  // the last forward pass and its input picture (null: nothing drawn)
    selection: null, pinned: false,  // the explained cell, and whether a click pinned it
    ownLoads: 0,  // own model files asked for: only the latest counts
    pad: null,  // the DrawPad
    why: null, evidence: null,  // "Why this digit?" and the evidence sections, once the page works
    scheduler: null, keepLink: () => {},  // hooks, set by main.js
  };
}

// The model in use.
export const currentModel = (app) => app.models.get(app.current);
