// Screenshots of the three pages, taken from the real pages in Chromium (/usr/bin/chromium):
//   npm run screenshots              → web/screenshots/{index,lesson,lab}.png, the first screen at
//                                      1280×800 shown at half size (small PNGs for the README)
//   node src/tools/screenshots.mjs --review DIR
//                                    → DIR/<page>-<width>.png, whole pages at 1280×800 and 390×844,
//                                      to look at a change (the drawing page with a 7 drawn)
// Needs the wasm build (web/engine/). Serves web/ itself on a free port.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, WEB_ROOT } from './serve.mjs';
import { drawMouse, SEVEN } from '../../tests/e2e/page-helpers.mjs';  // the 7 the browser tests draw
import { DATA } from '../../web/js/lab/settings.js';

const PAGES = ['index', 'lesson', 'lab'];
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];

// A page of the site at a viewport size, ready (body[data-ready="true"]), with a 7 drawn on index.
async function openPage(browser, baseUrl, name, viewport, scale) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: scale, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}${name}.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  if (name === 'index') {  // every panel shows a real input
    await drawMouse(page, SEVEN);
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  if (name === 'lab') {  // its class averages as they settle: over the whole test set, not its first part
    await page.waitForFunction((testCount) => [...document.querySelectorAll('.avg-count')]
      .reduce((sum, e) => sum + Number(e.textContent.replace(/\D/g, '')), 0) === testCount, DATA.testCount, { timeout: 60_000 });
  }
  await page.evaluate(() => document.fonts.ready);
  return { page, context };
}

async function main() {
  const args = process.argv.slice(2);
  const review = args[0] === '--review' ? args[1] : null;
  if (args[0] === '--review' && !review) throw new Error('--review needs a folder to write to');
  const out = review ?? path.join(WEB_ROOT, 'screenshots');
  mkdirSync(out, { recursive: true });
  const server = await startServer(0);
  const baseUrl = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    for (const name of PAGES) {
      for (const viewport of review ? SIZES : [SIZES[0]]) {
        const { page, context } = await openPage(browser, baseUrl, name, viewport, review ? 1 : 0.5);
        const file = path.join(out, review ? `${name}-${viewport.width}.png` : `${name}.png`);
        await page.screenshot({ path: file, fullPage: Boolean(review) });
        await context.close();
        console.log(`screenshot: ${path.relative(process.cwd(), file)}`);
      }
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
