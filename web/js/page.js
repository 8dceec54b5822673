// The base every page's entry module stands on (demo/main.js, lesson.js, lab.js): element lookup,
// the error banner, the ready flag, the footer and the offline copy, number formatting. It touches
// document only when one of its functions is called, so modules that only format (fmtInt) may
// import it too.
//
// The elements it expects (each page has them): #error (the page's error banner, hidden),
// #engine-kind and #offline-status in the footer; #loading (optional, hidden when the page is
// ready or has failed); #engine-memory (optional, the drawing page's footer).
// body[data-ready] is what tests and scripts wait for: "true" once the page works, "error" once it
// has shown why it cannot.

export const $ = (selector) => document.querySelector(selector);

// 12345 → "12,345", the same on every page whatever the reader's locale. Whole numbers are
// grouped here, not by toLocaleString: its first call loads the browser's locale data, which
// cost the pages 30–300 ms before they were ready. Anything else goes to toLocaleString('en-US').
export const fmtInt = (n) => (Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toLocaleString('en-US'));

// An Error's message, or anything else thrown as text.
export const errorText = (e) => (e instanceof Error ? e.message : String(e));

// ---- Alerts: a message element has role="alert" exactly while it is shown, so a page never
// holds more alerts than the errors it shows (and a screen reader announces each as it appears).

export function showAlert(el, message) {
  Object.assign(el, { textContent: message, hidden: false }).setAttribute('role', 'alert');
}

export function hideAlert(el) {
  el.hidden = true;
  el.removeAttribute('role');
}

// The page's own banner (#error); source says what it is about (the drawing page hides an "input"
// error at its next good update), kept in data-source.
export function showError(message, source = 'page') {
  showAlert($('#error'), message);
  $('#error').dataset.source = source;
}
export const hideError = () => hideAlert($('#error'));

// ---- The ready flag

export function markReady() {
  const loading = $('#loading');
  if (loading) loading.hidden = true;
  document.body.dataset.ready = 'true';
}

// The page cannot work: says why in the banner and flags body[data-ready="error"].
export function failPage(message) {
  const loading = $('#loading');
  if (loading) loading.hidden = true;
  showError(message);
  document.body.dataset.ready = 'error';
}

// ---- The footer

export function showEngineKind(kind) {
  $('#engine-kind').textContent = kind;
}

// The engine's wasm memory (also in data-bytes, for tests): loading model after model must leave
// it unchanged, since each replaced model is deleted.
export function showMemory(bytes) {
  const memory = $('#engine-memory');
  memory.dataset.bytes = String(bytes);
  memory.textContent = `Memory: ${(bytes / 2 ** 20).toFixed(1)} MB.`;
}

// ---- The offline copy: the service worker (web/sw.js). Its URL and scope are relative to the
// page, so the site works from a sub-path. Without it the site only loses its offline copy: a
// browser without service workers, a file:// page or a refused registration is not an error.

// → Promise of true once an offline copy is active for this page, false if there will be none.
export async function registerOffline(baseUrl) {
  const sw = globalThis.navigator?.serviceWorker;
  if (!sw) return false;
  try {
    await sw.register(new URL('./sw.js', baseUrl), { scope: new URL('./', baseUrl).href, updateViaCache: 'none' });
    await sw.ready;
    return true;
  } catch {
    return false;
  }
}

// Registers the offline copy and says so in the footer once it is active.
export async function keepOffline(baseUrl = document.baseURI) {
  if (await registerOffline(baseUrl)) $('#offline-status').textContent = 'Saved for offline use.';
}
