// The drawing page's responsiveness, measured: the longest main-thread task (PerformanceObserver
// 'longtask', i.e. over 50 ms) while the reader draws, while the invariance sweeps, the test-set
// explorer and "train one here" run, in headless Chromium (/usr/bin/chromium) with the real
// engine, at 1280×800, each phase with its wall time and the load average (on a shared machine the figures grow
// with it). Needs the wasm build (web/engine/, web/data/). Serves web/ itself on a free port.
//   node src/tools/long-tasks.mjs
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';
import { drawMouse, SEVEN } from '../../tests/e2e/page-helpers.mjs';  // the 7 the browser tests draw

const server = await startServer(0);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  await context.addInitScript(() => {
    window.longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  await page.goto(`${base}index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  const kind = await page.textContent('#engine-kind');
  const phase = async (what, fn) => {
    await page.evaluate(() => {
      window.longest = 0;
    });
    const t0 = Date.now();
    await fn();
    const ms = await page.evaluate(() => window.longest);
    console.log(`${what}: longest task ${ms ? Math.round(ms) + ' ms' : 'none over 50 ms'} (${((Date.now() - t0) / 1000).toFixed(1)} s, load ${load()})`);
  };
  console.log(`engine: ${kind}`);
  await phase('drawing a 7', () => drawMouse(page, SEVEN));
  await page.click('#clear-button');
  await phase('drawing a 7 again', () => drawMouse(page, SEVEN));
  await phase('invariance: first sweeps + 8 slider steps', async () => {
    await page.locator('#invariance').scrollIntoViewIfNeeded();
    await page.waitForSelector('#invariance[data-state="done"]', { timeout: 120_000 });
    const slider = page.locator('#invariance input[type="range"]').first();
    await slider.focus();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(150);
    }
    await page.waitForSelector('#invariance[data-state="done"]', { timeout: 120_000 });
  });
  await phase('test explorer: the CNN over 10,000 digits (with the sprite download)', async () => {
    await page.locator('#test-explorer').scrollIntoViewIfNeeded();
    await page.click('#test-explorer-run');
    await page.waitForSelector('#test-explorer[data-accuracy]', { timeout: 300_000 });
  });
  await phase('test explorer: again (the sprite already decoded)', async () => {
    await page.click('#test-explorer-run');  // clears data-accuracy at once
    await page.waitForSelector('#test-explorer[data-accuracy]', { timeout: 300_000 });
  });
  await phase('train one here: 18,000 digits × 1 epoch in the worker', async () => {
    await page.locator('#train-here').scrollIntoViewIfNeeded();
    await page.click('#train-here-start');
    await page.waitForSelector('#train-here[data-state="done"]', { timeout: 600_000 });
    console.log(`  ${await page.textContent('#train-here-status')}`);
  });
  await context.close();
} finally {
  await browser.close();
  server.close();
}
