// gpusim's service worker: keeps the whole page — index.html, app.js,
// style.css, the engine (gpusim.js, gpusim.wasm), the charting library and
// data.js with every shipped scenario — so that once loaded it works offline.
// web/bundle.mjs fills in the file list and names the cache after a hash of
// the files, so a new build installs a new cache and drops the old one.
//
// Network first, the cache when the network fails: online, a page served by
// a static host is always the current build; offline, the last one kept.
'use strict';

const CACHE = '@CACHE@';
const FILES = ['@FILES@'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('gpusim-') && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      // The page is one file whatever its query (?scenario=…): kept under its path alone.
      const key = new URL(request.url);
      key.search = '';
      caches.open(CACHE).then((cache) => cache.put(key.href, copy));
    }
    return response;
  }).catch(() => caches.match(request, { ignoreSearch: true }).then((hit) => hit ??
    Promise.reject(new Error(`offline, and ${request.url} was never loaded`)))));
});
