// Shared by the browser tests (web/test/) and web/bench.mjs: serve the built
// page on 127.0.0.1, start Debian's Chromium headless through puppeteer-core,
// and run the native command for comparison.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { serve } from './serve.mjs';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const site = process.env.GPUSIM_WEB_SITE ?? join(repo, 'build/web/site');
export const gpusim = process.env.GPUSIM_BINARY ?? join(repo, 'build/sim/gpusim');
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Flags that keep Chromium off the (closed) network and out of any profile.
const chromiumFlags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--window-size=1600,1100'];

// Starts the server and the browser; a browser that cannot start throws (the
// tests fail, they never skip).
export async function startBrowser() {
  const server = await serve(site, 0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'gpusim-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags,
                                       userDataDir: profile, defaultViewport: { width: 1600, height: 1100 } });
  } catch (err) {
    server.close();
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`cannot start ${chromiumPath} headless: ${err.message}`);
  }
  const stop = async () => {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { browser, base, stop };
}

// Opens the page at `query` ("?scenario=…") and waits until the engine has run once.
export async function openPage(browser, base, query) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.problems = problems;
  await page.goto(`${base}index.html${query}`, { waitUntil: 'load' });
  await page.waitForFunction(() => Number(document.body.dataset.runs ?? 0) >= 1 ||
                             document.getElementById('status').dataset.state === 'failed', { timeout: 60000 });
  const status = await page.$eval('#status', (el) => el.dataset.state);
  if (status !== 'ready') throw new Error(`the engine did not load: ${await page.$eval('#status', (el) => el.textContent)}`);
  return page;
}

// Waits for the next engine run after `action`.
export async function nextRun(page, action) {
  const before = await page.evaluate(() => Number(document.body.dataset.runs));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.runs) > n, { timeout: 60000 }, before);
}

// `gpusim ARGS…` run from the repository root: {status, stdout, stderr}.
export function runGpusim(args, cwd = repo) {
  const r = spawnSync(gpusim, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function gpusimJson(scenario, sets = []) {
  const r = runGpusim(['run', scenario, ...sets.flatMap((s) => ['--set', s]), '--format', 'json']);
  if (r.status !== 0) throw new Error(`gpusim run ${scenario} failed: ${r.stderr}`);
  return r.stdout;
}

// The runnable shipped scenarios, as the page lists them.
export function shippedScenarios() {
  const out = execFileSync('node', ['-e', `
    const fs = require('fs'); const vm = require('vm'); const ctx = { window: {} };
    vm.runInNewContext(fs.readFileSync(${JSON.stringify(join(site, 'data.js'))}, 'utf8'), ctx);
    console.log(JSON.stringify(ctx.window.GPUSIM_DATA.scenarios));`], { encoding: 'utf8' });
  return JSON.parse(out);
}

// Equal JSON, numbers to `rel` relative (absolute near zero); a list of differences.
export function jsonDifferences(a, b, rel = 1e-9, path = '') {
  if (typeof a === 'number' && typeof b === 'number') {
    const scale = Math.max(Math.abs(a), Math.abs(b));
    return Math.abs(a - b) <= rel * scale || Math.abs(a - b) <= 1e-300 ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} items vs ${b.length}`];
    return a.flatMap((x, i) => jsonDifferences(x, b[i], rel, `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.join() !== kb.join()) return [`${path}: keys ${ka.join()} vs ${kb.join()}`];
    return ka.flatMap((k) => jsonDifferences(a[k], b[k], rel, path ? `${path}.${k}` : k));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

// The page's slider for `path`: added through the key box, then moved `steps`
// notches with the keyboard, as a person would.
export async function addSlider(page, path) {
  await page.click('#key-input', { clickCount: 3 });
  await page.type('#key-input', path);
  await nextRun(page, () => page.click('#add-slider'));
  return `.slider[data-path="${path}"] input[type=range]`;
}

export async function moveSlider(page, selector, steps, key = 'ArrowRight') {
  await page.focus(selector);
  for (let i = 0; i < steps; ++i) await nextRun(page, () => page.keyboard.press(key));
}

export function setsInUrl(page) {
  return new URL(page.url()).searchParams.getAll('set');
}

// One scenario's slider re-run times: opens it, adds a slider on its first
// contract or fleet key (else its first numeric key) and moves it `moves`
// notches; each move's engine time (load, check, run, summary) and page time
// (that plus the table and charts), in ms, as the page measures them with
// performance.now(), after three untimed moves: medians, and the fastest and
// slowest page times.
export async function sliderTimes(browser, base, scenario, moves = 7) {
  const page = await openPage(browser, base, `?scenario=${scenario.replace(/^scenarios\//, '')}`);
  const keys = await page.$$eval('#key-list option', (os) => os.map((o) => o.value));
  const key = keys.find((k) => /^(contracts|fleet)\./.test(k)) ?? keys[0];
  const slider = await addSlider(page, key);
  const engine = [], total = [];
  await page.focus(slider);
  // Three moves first, untimed: the browser compiles WebAssembly in two tiers,
  // a quick one at load and an optimized one moments later.
  for (let i = 0; i < moves + 3; ++i) {
    await nextRun(page, () => page.keyboard.press(i % 2 ? 'ArrowLeft' : 'ArrowRight'));
    const t = await page.evaluate(() => [Number(document.body.dataset.engineMs), Number(document.body.dataset.totalMs)]);
    if (i < 3) continue;
    engine.push(t[0]);
    total.push(t[1]);
  }
  await page.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { scenario, key, engineMs: median(engine), totalMs: median(total), minTotalMs: Math.min(...total),
           maxTotalMs: Math.max(...total) };
}
