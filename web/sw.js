// Service worker: the site keeps working offline after one visit. On install it stores one deploy
// of the site (pages, CSS, JS modules, both engine builds, the shipped models and sample digits) in
// the cache "convscope-<version>"; on activate it deletes every other ConvScope cache.
// Requests go to the network first, so an online visit always gets the current files (and a
// developer's edits); only when the network fails does the cached copy answer.
//
// The version and the file list come from engine/precache.js, which `npm run build` writes
// (src/tools/precache.mjs): the version is a hash of the listed files' contents and the list is
// every file under web/ at build time (a page added later, such as lab.html, is in it once it
// exists). A deploy builds, so any changed file gives a new version with nothing to bump by hand;
// the browser sees precache.js change, installs this worker again and replaces the cache.
/* global CONVSCOPE_PRECACHE */

importScripts('./engine/precache.js');

const PREFIX = 'convscope-';
const CACHE = PREFIX + CONVSCOPE_PRECACHE.version;

self.addEventListener('install', (event) => {
  // All files or none: a failed download fails the install, and the last good version stays.
  // cache: 'reload' skips the HTTP cache, so the stored copy is the deploy's, not an older one.
  const requests = ['./', ...CONVSCOPE_PRECACHE.files].map((url) => new Request(url, { cache: 'reload' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();  // the page that installed it works offline from now on
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(networkElseCache(request));
});

async function networkElseCache(request) {
  try {
    return await fetch(request);
  } catch (error) {
    // ?engine=scalar, ?model=… and the like are the same file in the cache.
    const cached = await (await caches.open(CACHE)).match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}
