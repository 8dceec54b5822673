// Demo page (web/index.html): draw a digit; the engine preprocesses it the MNIST way, the picture is
// fitted to the model's input (demo/input-adapter.js) and the model runs, recording every layer; each
// layer's output is drawn in its panel, and a clicked or hovered cell is explained with the
// engine's numbers. Two shipped models (CNN and DNN) can be switched, or your own loaded from a
// file (picked or dropped): any input size and labels; a bad file is refused with the engine's
// message and the model in use stays. The drawing and the shipped model can be shared as a link
// (permalink.js: the state in the URL hash) and any panel saved as a PNG (render/snapshot.js).
// This module starts the page and wires its controls; its parts, which share one state
// (app-state.js), are the update loop (update-loop.js), the picked cell (cell-selection.js), the
// models (model-choice.js), the link (share-link.js) and what the deeper sections get
// (evidence-bridge.js). Only these modules of the page touch document.
// URL parameters: ?engine=scalar|simd forces an engine build (engine.js); for development,
// ?model=<url of the CNN file>&compare=<url of the DNN file>.

import { LOAD_ADVICE, loadEngine } from '../engine.js';
import { $, errorText, failPage, hideAlert, keepOffline, markReady, showEngineKind, showError, showMemory } from '../page.js';
import { DrawPad } from './draw-pad.js';
import { frameScheduler } from './predict.js';
import { acceptFileDrops } from './file-drop.js';
import { cellAt, cellForKey, sameCell } from './cell-picker.js';
import { lazyEvidence, lazyWhySection, prefetchDeeper } from './deeper.js';
import { MODELS } from './model-files.js';
import { createAppState, currentModel } from './app-state.js';
import { showPanels, update } from './update-loop.js';
import { select } from './cell-selection.js';
import { loadAll, loadOwnModel, selectModel, setStatus } from './model-choice.js';
import { applyLink, keepLink, shareLink } from './share-link.js';
import { evidencePage } from './evidence-bridge.js';

const app = createAppState(document.baseURI);
app.scheduler = frameScheduler(() => update(app));
app.keepLink = () => keepLink(app);

// Errors (page.js) show in #error (the page, or source 'input': the drawing, hidden again by the
// next good update) or #model-error (a model file, beside the file input).

async function savePanel(button) {
  const panel = button.closest('[data-layer], [data-panel]');
  const name = panel.dataset.layer ?? panel.dataset.panel;
  const what = panel.dataset.layer ? `layer ${name}` : panel.querySelector('h2, h3').textContent.replace(/^\s*\d+\s*/, '').trim();
  try {
    // the PNG writer is fetched at the first Save PNG: the first screen does not need it
    const { downloadPng, panelSnapshot } = await import('../render/snapshot.js');
    const picture = panelSnapshot(panel.querySelector('[data-snapshot]') ?? panel, `ConvScope · ${currentModel(app).title} · ${what}`);
    await downloadPng(picture, `convscope-${app.current}-${name}.png`);
  } catch (e) {
    showError(`Could not save the ${name} panel as a PNG: ${e.message}`, 'input');
  }
}

// ---- Wiring ----

function wire() {
  const pad = new DrawPad($('#draw-canvas'), {
    onChange(kind) {
      if (kind === 'clear' || (kind === 'undo' && !pad.background)) app.sample = null;
      if (kind !== 'draw') {
        app.scheduler.flush();
        keepLink(app);
      } else if (!currentModel(app).slow) {
        app.scheduler.request();  // a slow model reads the stroke when it ends
      }
    },
  });
  app.pad = pad;
  $('#clear-button').addEventListener('click', () => pad.clear());
  $('#share-button').addEventListener('click', () => shareLink(app));
  document.addEventListener('click', (e) => {
    const button = e.target.closest('button.save-png');
    if (button) savePanel(button);
  });
  window.addEventListener('hashchange', () => applyLink(app, location.hash));
  // The deeper tools' nav scrolls to its section without touching the hash, which holds the drawing.
  $('#deeper-tools').addEventListener('click', (e) => {
    const link = e.target.closest('a[href^="#"]');
    const target = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    e.preventDefault();
    target.scrollIntoView({ block: 'start' });
    target.querySelector('h2, h3')?.setAttribute('tabindex', '-1');
    target.querySelector('h2, h3')?.focus({ preventScroll: true });
  });
  $('#undo-button').addEventListener('click', () => pad.undo());
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !e.target.closest('input, textarea')) {
      e.preventDefault();
      pad.undo();
    }
  });
  $('#samples').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-sample]');
    if (!button) return;
    app.sample = app.samples[Number(button.dataset.sample)];
    pad.setBackground(app.sample.bytes, 28, 28);
  });
  $('#model-options').addEventListener('change', (e) => {
    if (e.target.name !== 'model') return;
    hideAlert($('#model-error'));  // its "still using" no longer holds
    selectModel(app, e.target.value);
  });
  $('#model-file').addEventListener('change', (e) => {
    const file = e.target.files[0];
    e.target.value = '';  // the same file can be picked again
    if (file) loadOwnModel(app, file);
  });
  const panels = $('#layer-panels');
  panels.addEventListener('pointermove', (e) => {
    if (app.pinned || e.pointerType === 'touch') return;
    const sel = cellAt(e, app.views, app.geoms);
    if (sel && !sameCell(sel, app.selection)) select(app, sel, false);
  });
  panels.addEventListener('pointerleave', () => {
    if (!app.pinned && app.selection) select(app, null, false);
  });
  panels.addEventListener('click', (e) => {
    const sel = cellAt(e, app.views, app.geoms);
    if (!sel) return;
    if (app.pinned && sameCell(sel, app.selection)) select(app, null, false);
    else select(app, sel, true);
  });
  panels.addEventListener('keydown', (e) => {  // arrows move the cell, [ ] the map, Esc clears
    const sel = cellForKey(e, app.selection, app.geoms);
    if (sel === undefined) return;
    if (sel) e.preventDefault();
    select(app, sel, sel !== null);
  });
}

// The layer panels, below the first screen, are drawn once the page is ready and idle, or as
// soon as the reader draws or scrolls near them (update-loop.js showPanels).
function showPanelsSoon() {
  const show = () => showPanels(app);
  (window.requestIdleCallback ?? ((fn) => setTimeout(fn, 1)))(show, { timeout: 100 });
  $('#draw-canvas').addEventListener('pointerdown', show, { once: true });
  new IntersectionObserver((entries, observer) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    show();
  }, { rootMargin: '200px' }).observe($('#layer-panels'));
}

performance.mark('convscope:main-js');
async function main() {
  try {
    acceptFileDrops(document, $('#drop-hint'), (file) => app.current && loadOwnModel(app, file));  // a drop never leaves the page
    setStatus('Loading the engine…');
    // performance marks (convscope:…): where the time to ready goes, read by npm run bench
    const { cs, kind } = await loadEngine(app.base);
    performance.mark('convscope:engine');
    app.cs = cs;
    showEngineKind(kind);
    await loadAll(app);
    performance.mark('convscope:models');
    wire();
    // "Why this digit?" and the evidence: made when scrolled to (deeper.js); the panels' state is
    // part of the link.
    app.why = lazyWhySection($('#why'), { baseUrl: app.base, onChange: () => keepLink(app) }, () => app.scheduler.flush());
    app.evidence = lazyEvidence(document, evidencePage(app));
    const link = location.hash;  // before the page writes its own state there
    selectModel(app, MODELS[0].key);
    performance.mark('convscope:first-update');
    applyLink(app, link);
    await app.why.loaded();  // a link with a panel's state shows it at once
    showMemory(cs.memoryBytes());
    markReady();
    performance.mark('convscope:ready');
    showPanelsSoon();
    prefetchDeeper();
  } catch (e) {
    failPage(`${errorText(e)} ${LOAD_ADVICE}`);
    return;
  }
  await keepOffline(app.base);
}

main();
