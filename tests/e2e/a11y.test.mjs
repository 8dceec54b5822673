// Accessibility: axe-core (node_modules/axe-core, the version package.json pins) on the three pages
// at a laptop (1280×800) and a phone (390×844) size finds no serious or critical violation; the
// drawing page is checked again after a digit is drawn and a cell's explanation is open. axe is
// put into the page through the DevTools protocol (page.evaluate), which the pages'
// Content-Security-Policy does not govern: a <script> tag would be refused. A first test seeds
// two violations and requires axe to report them, so a checker that silently did nothing fails.
// Run: node --test tests/e2e/a11y.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchBrowser, TIMEOUT, watch } from './browser.mjs';
import { drawMouse, ready, SEVEN } from './page-helpers.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const PAGES = ['index.html', 'lesson.html', 'lab.html'];

let browser;
before(async () => {
  browser = await launchBrowser('convscope-a11y-');
});
after(() => browser?.close());

// The serious and critical violations axe finds on the page as it is now, one line each:
// "rule-id (impact): selector, …".
async function seriousViolations(page) {
  if (!await page.evaluate(() => typeof globalThis.axe === 'object')) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { violations } = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.slice(0, 5).join(', ')}${v.targets.length > 5 ? `, … ${v.targets.length} in all` : ''}`);
}

async function openPage(path, viewport) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const problems = watch(page);
  await page.goto(`${browser.baseUrl}${path}`);
  await ready(page);
  return { page, problems };
}

test('the check runs axe: seeded violations (an image without alt text, a button without a name) are reported', async () => {
  const { page } = await openPage('index.html', SIZES[0]);
  try {
    assert.deepEqual(await seriousViolations(page), [], 'clean before the seeding');
    await page.evaluate(() => {
      const img = Object.assign(document.createElement('img'), { id: 'seeded-img', src: 'models/nothing.png', width: 8, height: 8 });
      const button = Object.assign(document.createElement('button'), { id: 'seeded-button', type: 'button' });
      document.querySelector('main').append(img, button);
    });
    const found = await seriousViolations(page);
    assert.ok(found.some((v) => v.startsWith('image-alt (critical): #seeded-img')), found.join('\n'));
    assert.ok(found.some((v) => v.startsWith('button-name (critical): #seeded-button')), found.join('\n'));
  } finally {
    await page.close();
  }
});

for (const viewport of SIZES) {
  for (const path of PAGES) {
    test(`${path} at ${viewport.width}×${viewport.height}: no serious or critical axe violation`, async () => {
      const { page, problems } = await openPage(path, viewport);
      try {
        assert.deepEqual(await seriousViolations(page), []);
        if (path === 'index.html') {  // again with a digit drawn and a cell explained
          await drawMouse(page, SEVEN);
          await page.waitForFunction(() => document.querySelector('#prediction').dataset.digit !== '', null, { timeout: TIMEOUT });
          const cell = page.locator('[data-layer="conv2"] [data-part="output"] canvas').first();
          await cell.scrollIntoViewIfNeeded();
          await cell.click({ position: { x: 4, y: 4 } });
          await page.locator('[data-layer="conv2"] .explain:not([hidden])').waitFor({ timeout: TIMEOUT });
          assert.deepEqual(await seriousViolations(page), [], 'after drawing and explaining a cell');
        }
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    });
  }
}
