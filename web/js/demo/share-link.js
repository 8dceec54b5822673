// The drawing page's link (demo/main.js's part): the address bar always holds the page's state
// (model, drawing, the explanations' choices; encoded by permalink.js), "Copy link" hands it out,
// and opening a link (or its hash changing) brings the state back.

import { $, showError } from '../page.js';
import { quantizeStrokes, stateFromHash, stateToHash } from './permalink.js';
import { MODELS } from './model-files.js';
import { selectModel } from './model-choice.js';
import { currentModel } from './app-state.js';

// The page's state as a link: the model (a shipped one: a file from the reader's computer cannot be
// in a link) and the drawing, strokes kept to 1/8 pixel. → {model, strokes, hash ('' for a blank
// page with the first model)}
function currentLink(app) {
  const { pad } = app;
  const model = MODELS.some((m) => m.key === app.current) ? app.current : MODELS[0].key;
  const sample = pad.background && app.sample ? app.samples.indexOf(app.sample) : null;
  const strokes = quantizeStrokes(pad.strokes);
  const parts = app.why ? app.why.parts() : {};
  const blank = sample === null && !strokes.length && model === MODELS[0].key && Object.values(parts).every((v) => v === '');
  return { model, strokes, hash: blank ? '' : stateToHash({ model, sample, strokes, parts }) };
}

// The address bar always holds the current state, so a reload or a bookmark keeps the drawing;
// a link shown by "Copy link" is out of date after a change, so it is hidden.
export function keepLink(app) {
  const { hash } = currentLink(app);
  if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname + location.search);
  $('#share').hidden = true;
  $('#share-status').textContent = '';
}

// "Copy link": the pad first shows exactly what the link holds, so whoever opens it sees the same
// input and the same prediction.
export async function shareLink(app) {
  const { model, strokes } = currentLink(app);
  if (strokes.length) app.pad.setStrokes(strokes);  // → keepLink
  const url = new URL(currentLink(app).hash, location.href).href;
  Object.assign($('#share-link'), { value: url });
  $('#share').hidden = false;
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // no clipboard permission (or no secure context): the link is shown to copy by hand
  }
  const title = app.models.get(model).title;
  const which = model === app.current ? `It opens this drawing with the ${title}.`
    : `Your own model cannot go into a link (the file stays on your computer): it opens this drawing with the ${title}.`;
  $('#share-status').textContent = `${copied ? 'Link copied.' : 'Copy the link above.'} ${which}`;
  if (!copied) $('#share-link').select();
}

// A link's state (the URL hash): its model, then its sample digit and strokes. A link that cannot
// be read is said so, and the page stays as it is.
export function applyLink(app, hash) {
  let link;
  try {
    link = stateFromHash(hash);
  } catch (e) {
    showError(`This link's drawing could not be restored: ${e.message}.`, 'link');
    return;
  }
  if (!link) return;
  app.why?.restore(link.parts);
  if (link.model && !app.models.has(link.model)) showError(`The model "${link.model}" of this link is not available here; showing the ${currentModel(app).title}.`, 'link');
  else if (link.model && link.model !== app.current) selectModel(app, link.model);
  const sample = link.sample === null ? undefined : app.samples[link.sample];
  if (sample) {
    app.sample = sample;
    app.pad.setBackground(sample.bytes, 28, 28);
  } else {
    app.pad.clear();
  }
  app.pad.setStrokes(link.strokes);
}
