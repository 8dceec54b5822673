// The drawing page's deeper sections — "Why this digit?" (#why, explain/section.js) and the
// evidence sections (evidence/evidence.js) — kept off the page's start: their modules are imported,
// and the sections made, only when one of them comes near the screen (or a link carries a panel's
// state, or a control of theirs is clicked), so the first screen (draw → what the network sees →
// its answer) is ready without them. Once the page is ready their modules are fetched in an idle
// moment, so that a section scrolled to is made at once. Until a section is made its stand-in keeps
// what the page told it (the model, a link's panel state) and hands it over; afterwards it passes
// the page's calls through (#why's updates only while #why is near the screen: its filter maps
// are redrawn when it comes back).
// The page hands each stand-in refresh(): run the page's update again (for a section just made).

import { hideAlert, showAlert, showError } from '../page.js';

const NEAR = '25% 0px';  // a quarter of a screen above or below
const EVIDENCE_IDS = ['overview', 'side-by-side', 'invariance', 'test-explorer', 'train-here'];
const loadWhy = () => import('./explain/section.js');
const loadEvidence = () => import('./evidence/evidence.js');

// Fetches both sections' modules when the browser is next idle (nothing is made or computed).
export function prefetchDeeper() {
  const idle = globalThis.requestIdleCallback ?? ((fn) => setTimeout(fn, 200));
  idle(() => {
    loadWhy().catch(() => {});  // a failure is reported when the section is made
    loadEvidence().catch(() => {});
  }, { timeout: 2000 });
}

// Calls onNear(isNear) each time one of elements comes near the screen or all leave it.
function watchNear(elements, onNear) {
  const near = new Set();
  const observer = new IntersectionObserver((entries) => {
    const before = near.size > 0;
    for (const e of entries) {
      if (e.isIntersecting) near.add(e.target);
      else near.delete(e.target);
    }
    if (near.size > 0 !== before) onNear(near.size > 0);
  }, { rootMargin: NEAR });
  elements.forEach((el) => observer.observe(el));
  return () => near.size > 0;
}

// A click on a button of a section not made yet (a keyboard user, a script) is kept and made
// again once the section exists, so that it is never lost (Save PNG works without the section).
// → replay()
function keepEarlyClicks(elements, isMade, make) {
  let early = null;
  for (const el of elements) {
    el.addEventListener('click', (e) => {
      const button = e.target.closest('button');
      if (isMade() || !button || button.matches('.save-png')) return;
      early = button;
      make();
    }, { capture: true });
  }
  return () => {
    const button = early;
    early = null;
    if (button?.isConnected && !button.disabled) button.click();
  };
}

// Makes the section (load → make(module)) once; a failed load is reported (report(message, true),
// and report('', false) once one succeeds); a download that failed is tried again at the next
// trigger. → {load() → Promise, made()}
function lazySection(load, make, what, report) {
  let loading = null, made = false, loaded = false;
  return {
    load() {
      loading ??= load().then((module) => {
        loaded = true;
        make(module);
        made = true;
        report('', false);
      }).catch((e) => {
        if (!loaded) loading = null;
        report(`${what} could not be shown (${e.message}). Scroll to it again to try again.`, true);
      });
      return loading;
    },
    made: () => made,
  };
}

// #why's stand-in: root the #why section, hooks as createWhySection's; refresh() runs the page's
// update. → the same API as createWhySection ({setModel, update, parts, restore}) and loaded():
// a Promise settled once a load under way (e.g. for a link's panel state) is done.
export function lazyWhySection(root, hooks, refresh) {
  let real = null, entry = null, geoms = null, parts = {};
  const section = lazySection(loadWhy, ({ createWhySection }) => {
    real = createWhySection(root, hooks);
    if (entry) real.setModel(entry, geoms);
    real.restore(parts);
    if (entry) refresh();  // the page's drawing, for the new panels
    replay();
  }, '“Why this digit?”', (message, failed) => {
    const alert = root.querySelector('#why-error');
    if (failed) showAlert(alert, message);
    else if (!alert.hidden && alert.dataset.source === undefined) hideAlert(alert);
  });
  const replay = keepEarlyClicks([root], section.made, () => section.load());
  let loading = Promise.resolve();
  const isNear = watchNear([root], (near) => {
    if (!near) return;
    if (real) refresh();  // back on screen: its maps follow the drawing again
    else loading = section.load();
  });
  return {
    setModel(newEntry, newGeoms) {
      [entry, geoms] = [newEntry, newGeoms];
      real?.setModel(entry, geoms);
    },
    update(args) {
      if (real && isNear()) real.update(args);
    },
    parts() {
      if (real) return real.parts();
      return { why: parts.why ?? '', makeit: parts.makeit ?? '', eps: parts.eps ?? '' };
    },
    restore(linkParts = {}) {
      if (real) return real.restore(linkParts);
      const { why, makeit, eps } = linkParts;
      parts = Object.fromEntries(Object.entries({ ...parts, why, makeit, eps }).filter(([, v]) => v !== undefined && v !== ''));
      if (Object.keys(parts).length) loading = section.load();  // the link opens a panel's state: shown at once
    },
    loaded: () => loading,
  };
}

// The evidence sections' stand-in: doc the page's document, page as createEvidence's.
// → {update(), modelChanged()} as createEvidence's.
export function lazyEvidence(doc, page) {
  let real = null;
  const sections = EVIDENCE_IDS.map((id) => doc.querySelector(`#${id}`));
  const section = lazySection(loadEvidence, ({ createEvidence }) => {
    real = createEvidence(doc, page);
    real.update();
    replay();
  }, 'The evidence sections', (message, failed) => failed && showError(message, 'evidence'));
  const replay = keepEarlyClicks(sections, section.made, () => section.load());
  watchNear(sections, (near) => near && section.load());
  return {
    update: () => real?.update(),
    modelChanged: () => real?.modelChanged(),
  };
}
