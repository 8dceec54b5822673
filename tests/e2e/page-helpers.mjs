// Small helpers the hardening tests share (engine-choice, csp, offline, errors, share): waiting for
// the page, reading the prediction, drawing with the mouse. Not a test file itself.

import { TIMEOUT } from './browser.mjs';

export const ready = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
export const prediction = (page) => page.$eval('#prediction', (p) => ({ ...p.dataset }));

export const SEVEN = [[0.25, 0.2], [0.5, 0.2], [0.75, 0.2], [0.62, 0.5], [0.5, 0.82]];
export const ONE = [[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]];

// A polyline in pad coordinates (0..1) drawn with the mouse; the prediction is current after it.
export async function drawMouse(page, points, steps = 6) {
  const pad = page.locator('#draw-canvas');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps });
  await page.mouse.up();
}
