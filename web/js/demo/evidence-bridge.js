// What the deeper sections (evidence/evidence.js) get of the drawing page (demo/main.js's part):
// the engine, the models, the current input, and a way back in (a test digit loaded as if drawn,
// a model trained there used like an own file, a map picked in the overview).

import { select } from './cell-selection.js';
import { loadOwnModel } from './model-choice.js';
import { currentModel } from './app-state.js';

// The engine's description of each layer of a loaded model ({name, type, inDims, outDims}), asked
// once per model: the overview draws from it.
const layerDescriptions = new WeakMap();
function engineLayers(loaded) {
  if (!layerDescriptions.has(loaded)) {
    layerDescriptions.set(loaded, loaded.model.describeLayers().map((d) => ({ ...d, inDims: d.inputShape, outDims: d.outputShape })));
  }
  return layerDescriptions.get(loaded);
}

// → the `page` createEvidence is handed.
export function evidencePage(app) {
  const { pad } = app;
  return {
    cs: app.cs,
    base: app.base,
    models: () => app.models,
    currentModel: () => currentModel(app) && { key: app.current, ...currentModel(app) },
    source: () => ({
      picture: app.picture ?? null,
      ink: pad.strokeCount > 0 ? pad.ink() : null,
      label: pad.strokeCount === 0 && app.sample ? app.sample.label : null,
    }),
    onDigit(sample) {
      app.sample = sample;
      pad.setBackground(sample.bytes, 28, 28);
    },
    useModel: (bytes, fileName) => loadOwnModel(app, new File([bytes], fileName)),
    geometry: () => engineLayers(currentModel(app)),
    inputValues: () => app.result?.input ?? null,
    trace: () => app.result?.trace ?? null,
    onPick(layer, channel) {  // a map clicked in the overview: its panel, that map picked
      app.views[layer]?.panel.scrollIntoView({ block: 'start' });
      const [, h, w] = app.geoms[layer].outDims;
      select(app, channel === undefined ? { layer, part: 'output', index: 0 } : { layer, part: 'output', channel, y: Math.floor(h / 2), x: Math.floor(w / 2) }, true);
    },
  };
}
