// The pages as a new visitor meets them, in headless Chromium on localhost: cold loads (a fresh
// browser context each time: empty HTTP cache, service worker blocked) of index.html, lesson.html
// and lab.html, from navigation to body[data-ready] and, on the drawing page, to the answer for a
// test digit clicked the moment the page is ready; then drawing on the pad, with the page's own
// timing of each update (body[data-update-ms], body[data-engine-ms]; the footer shows the same).
// Node only (drives Chromium with playwright-core); the page is served by src/tools/serve.mjs.
import { startServer } from '../tools/serve.mjs';

export const PAGES = ['index.html', 'lesson.html', 'lab.html'];
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling'];

// Runs in the page before its own scripts: marks (ms since navigation start) when body gets
// data-ready and, on the drawing page, clicks the first test digit at once and marks when the
// prediction shows its digit; then says so on the console ("convscope-bench:done"), which the
// bench waits for. (Not page.waitForFunction: Playwright's injected script, evaluated in the page
// while it loads, took 36–150 ms of its main thread in traces of cold loads of index.html.)
function pageMarks() {
  const marks = (window.__benchMarks = {});
  const done = () => console.debug('convscope-bench:done');
  const clickSample = () => {
    const button = document.querySelector('#samples button[data-sample]');
    if (!button) return false;
    marks.sampleClicked = performance.now();
    button.click();
    return true;
  };
  new MutationObserver(() => {
    const body = document.body;
    if (!body) return;
    if (marks.ready === undefined && body.dataset.ready) {
      marks.ready = performance.now();
      marks.readyState = body.dataset.ready;
      if (marks.readyState !== 'true' || !document.querySelector('#draw-canvas')) done();
      else if (!clickSample()) {
        const waitSamples = new MutationObserver(() => clickSample() && waitSamples.disconnect());
        waitSamples.observe(document.documentElement, { childList: true, subtree: true });
      }
    }
    const digit = document.querySelector('#prediction')?.dataset.digit;
    if (marks.sampleClicked !== undefined && marks.firstPrediction === undefined && digit) {
      marks.firstPrediction = performance.now();
      done();
    }
  }).observe(document, { attributes: true, subtree: true, childList: true, attributeFilter: ['data-ready', 'data-digit'] });
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quantile = (xs, q) => {
  const s = xs.slice().sort((a, b) => a - b);
  const i = (s.length - 1) * q, lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
};

// One cold load of a page in a fresh context → {ready, firstPrediction?, requests}.
async function coldLoad(browser, url) {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(pageMarks);
    let timer;
    const done = new Promise((resolve, reject) => {
      page.on('console', (m) => m.text() === 'convscope-bench:done' && resolve());
      timer = setTimeout(() => reject(new Error(`${url}: not ready after 30 s ${errors.join('; ')}`)), 30000);
    });
    await page.goto(url, { waitUntil: 'commit' });
    await done.finally(() => clearTimeout(timer));
    const r = await page.evaluate(() => {
      const m = window.__benchMarks;
      // when each file started downloading (ms since navigation): how many waves the load takes
      const requests = performance.getEntriesByType('resource').map((e) => ({ name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd, initiator: e.initiatorType }));
      const nav = performance.getEntriesByType('navigation')[0];
      // the page's own marks (convscope:engine, :models, …), where it sets them
      const pageMarks = Object.fromEntries(performance.getEntriesByType('mark').filter((e) => e.name.startsWith('convscope:')).map((e) => [e.name.slice(10), e.startTime]));
      return { ...m, htmlEnd: nav?.responseEnd, requests, pageMarks };
    });
    if (r.readyState !== 'true') throw new Error(`${url}: body[data-ready="${r.readyState}"] ${errors.join('; ')}`);
    return r;
  } finally {
    await context.close();
  }
}

// The page's own timing of updates while a digit is drawn on the pad (mouse strokes): the engine
// part (preprocess + traced forward + reading every layer) and the whole update.
async function drawingUpdates(browser, url, strokes) {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    await page.evaluate(() => {
      const seen = (window.__benchUpdates = []);
      new MutationObserver(() => {
        const { updateMs, engineMs } = document.body.dataset;
        seen.push({ update: Number(updateMs), engine: engineMs === undefined ? NaN : Number(engineMs) });
      }).observe(document.body, { attributes: true, attributeFilter: ['data-update-ms'] });
    });
    const box = await page.locator('#draw-canvas').boundingBox();
    const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
    for (let s = 0; s < strokes; s++) {
      const cx = 0.5 + 0.08 * Math.sin(s), cy = 0.5 + 0.08 * Math.cos(s);
      await page.mouse.move(...at(cx, 0.2));
      await page.mouse.down();
      for (let k = 1; k <= 40; k++) {  // an oval, like a 0
        const a = (2 * Math.PI * k) / 40;
        await page.mouse.move(...at(cx + 0.22 * Math.sin(a), cy - 0.3 * Math.cos(a)));
      }
      await page.mouse.up();
      if (s % 3 === 2) await page.click('#clear-button');
    }
    const updates = await page.evaluate(() => window.__benchUpdates);
    const footer = await page.locator('#timing').textContent();
    const engine = updates.map((u) => u.engine).filter(Number.isFinite);
    const whole = updates.map((u) => u.update).filter(Number.isFinite);
    return {
      updates: updates.length,
      engineMedianMs: engine.length ? median(engine) : null,
      engineP95Ms: engine.length ? quantile(engine, 0.95) : null,
      updateMedianMs: median(whole),
      updateP95Ms: quantile(whole, 0.95),
      footer: footer.trim(),
    };
  } finally {
    await context.close();
  }
}

// → {pages: {page: {runs, readyMedianMs, firstPredictionMedianMs?, lastRequestStartMs, ...}}, drawing}
export async function runPages({ runs = 5, strokes = 9, log = console.log } = {}) {
  const { chromium } = await import('playwright-core');
  const server = await startServer(0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const out = { pages: {}, version: browser.version() };
    await coldLoad(browser, base + 'index.html');  // the first launch warms the browser's own code, not the page's
    for (const name of PAGES) {
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await coldLoad(browser, base + name));
      const ready = samples.map((s) => s.ready);
      const first = samples.map((s) => s.firstPrediction).filter((v) => v !== undefined);
      // what the page asks for until it is ready (the drawing page fetches its deeper sections'
      // modules afterwards, when idle: those are listed apart)
      const code = (s) => s.requests.filter((q) => /\.(m?js|wasm|safetensors|json)$/.test(q.name) && q.start <= s.ready);
      const later = (s) => s.requests.filter((q) => /\.(m?js|wasm|safetensors|json)$/.test(q.name) && q.start > s.ready);
      out.pages[name] = {
        runs,
        readyMs: ready,
        readyMedianMs: median(ready),
        ...(first.length ? { firstPredictionMs: first, firstPredictionMedianMs: median(first) } : {}),
        // the last module, wasm or model to start downloading before ready, and the HTML's arrival
        lastRequestStartMedianMs: median(samples.map((s) => Math.max(...code(s).map((q) => q.start)))),
        htmlEndMedianMs: median(samples.map((s) => s.htmlEnd)),
        pageMarksMedianMs: Object.fromEntries(Object.keys(samples[0].pageMarks).map((k) => [k, median(samples.map((s) => s.pageMarks[k]))])),
        requests: code(samples[samples.length - 1]).map((q) => `${q.start.toFixed(0)}–${q.end.toFixed(0)} ms ${q.name}`),
        requestsAfterReady: later(samples[samples.length - 1]).map((q) => `${q.start.toFixed(0)}–${q.end.toFixed(0)} ms ${q.name}`),
      };
      log(`  ${name}: ready ${out.pages[name].readyMedianMs.toFixed(0)} ms median of ${runs}` +
        (first.length ? `, first prediction ${out.pages[name].firstPredictionMedianMs.toFixed(0)} ms` : '') +
        `; last file requested at ${out.pages[name].lastRequestStartMedianMs.toFixed(0)} ms` +
        Object.entries(out.pages[name].pageMarksMedianMs).map(([k, v]) => `; ${k} ${v.toFixed(0)}`).join(''));
    }
    out.drawing = await drawingUpdates(browser, base + 'index.html', strokes);
    log(`  drawing: ${out.drawing.updates} updates, engine median ${out.drawing.engineMedianMs?.toFixed(2)} ms, whole p95 ${out.drawing.updateP95Ms.toFixed(2)} ms`);
    return out;
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
