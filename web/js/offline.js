// Registers the service worker (web/sw.js) that keeps the site usable offline. Its URL and scope
// are relative to the page, so it works from a sub-path. Without it the site only loses its offline
// copy: a browser without service workers, a file:// page or a refused registration is not an error.

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
