// The page in Debian's headless Chromium, against the native command: every
// shipped scenario opened through the URL gives `gpusim run --format json`
// (1e-9 relative), a moved slider gives `--set`, a broken file shows the
// command's errors at their lines, an exercise checks answers, a clicked
// number shows `gpusim explain`, and the page keeps working offline, reloaded
// included. Run by `bash scripts/web.sh test` (ctest web.browser, label `browser`).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  addSlider, gpusimJson, jsonDifferences, moveSlider, nextRun, openPage, repo, runGpusim, setsInUrl,
  shippedScenarios, startBrowser,
} from '../browser.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { if (env) await env.stop(); });

const summaryOf = (page) => page.$eval('#summary-json', (el) => el.textContent);
const errorsOf = (page) => page.$$eval('#errors li', (lis) => lis.map((li) => li.textContent));

// Every scenario `gpusim run` takes among the shipped files: scenarios/FOLDER/NAME.yaml, but sweep files.
function shippedFiles() {
  return readdirSync(join(repo, 'scenarios'), { withFileTypes: true }).filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(repo, 'scenarios', d.name))
      .filter((f) => f.endsWith('.yaml') && !f.endsWith('.sweep.yaml')).map((f) => `scenarios/${d.name}/${f}`))
    .sort();
}

test('the page lists every shipped scenario, found in scenarios/ when it was built', async () => {
  const page = await openPage(env.browser, env.base, '');
  const listed = await page.$$eval('#scenario-list a', (as) => as.map((a) => a.dataset.path));
  assert.deepEqual([...listed].sort(), shippedFiles());
  // articles, teaching, whatif and bench at least (and deals/ once it exists).
  const folders = new Set(listed.map((p) => p.split('/')[1]));
  for (const folder of ['articles', 'teaching', 'whatif', 'bench']) assert.ok(folders.has(folder), folder);
  await page.close();
});

test('every shipped scenario opened through the URL equals gpusim run --format json', async () => {
  const scenarios = shippedScenarios();
  assert.deepEqual(scenarios.map((s) => s.path).sort(), shippedFiles());
  for (const s of scenarios) {
    const page = await openPage(env.browser, env.base, `?scenario=${s.path.replace(/^scenarios\//, '')}`);
    assert.deepEqual(await errorsOf(page), [], s.path);
    const browser = JSON.parse(await summaryOf(page));
    const native = JSON.parse(gpusimJson(s.path));
    assert.deepEqual(jsonDifferences(browser, native), [], s.path);
    assert.deepEqual(page.problems, [], `${s.path}: page errors`);
    await page.close();
  }
});

test('the URL of the issue opens that what-if: scenario and --set', async () => {
  const page = await openPage(env.browser, env.base,
    '?scenario=articles/coreweave-2024-utilization.yaml&set=contracts.Microsoft.price=3.5');
  const native = gpusimJson('scenarios/articles/coreweave-2024-utilization.yaml', ['contracts.Microsoft.price=3.5']);
  assert.deepEqual(jsonDifferences(JSON.parse(await summaryOf(page)), JSON.parse(native)), []);
  // The URL's key has a slider at its value.
  assert.equal(await page.$eval('.slider[data-path="contracts.Microsoft.price"] .exact', (el) => el.value), '3.5');
  await page.close();
});

test('moving a slider re-runs and equals gpusim run --set', async () => {
  const page = await openPage(env.browser, env.base, '?scenario=teaching/worked-example.yaml');
  const before = await summaryOf(page);
  const slider = await addSlider(page, 'sites.dc.electricity');
  assert.deepEqual(setsInUrl(page), ['sites.dc.electricity=0.08']);
  await moveSlider(page, slider, 25);  // 25 notches of (0.16 − 0) / 200 = 0.0008: 0.08 → 0.1
  const sets = setsInUrl(page);
  assert.deepEqual(sets, ['sites.dc.electricity=0.1']);
  const after = await summaryOf(page);
  assert.notEqual(after, before);
  const native = gpusimJson('scenarios/teaching/worked-example.yaml', sets);
  assert.deepEqual(jsonDifferences(JSON.parse(after), JSON.parse(native)), []);
  // A second key makes a heatmap (a 9 × 9 grid of runs of the engine).
  await page.select('#heat-key', 'contracts.Acme.price');
  await page.waitForFunction(() => !document.getElementById('heatmap-chart').hidden);
  assert.equal(await page.$eval('#heatmap-chart canvas', (c) => c.width > 0), true);
  assert.match(page.url(), /heat=contracts\.Acme\.price/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('a heatmap point that cannot run says where and at which point', async () => {
  const page = await openPage(env.browser, env.base, '?scenario=articles/coreweave-2024-utilization.yaml');
  await addSlider(page, 'fleet.h100.count');  // 0 to 500k H100s: past 282,352 the 360 MW cap is exceeded
  await page.select('#heat-key', 'contracts.Microsoft.price');
  await page.waitForFunction(() => !document.getElementById('heatmap-chart').hidden);
  const text = await page.$eval('#heatmap-chart', (el) => el.textContent);
  assert.match(text, /^scenarios\/articles\/coreweave-2024-utilization\.yaml:\d+:\d+: error: .+ \(at the point contracts\.Microsoft\.price=[\d.]+, fleet\.h100\.count=\d+\)\n1 error; nothing was run\n$/);
  assert.deepEqual(await errorsOf(page), []);  // the scenario itself still runs
  await page.close();
});

test('a broken scenario shows the command\'s errors, each beside its line', async () => {
  const path = 'scenarios/teaching/exercise-1-utilization-ladder.yaml';
  const page = await openPage(env.browser, env.base, `?scenario=${path.replace(/^scenarios\//, '')}`);
  // Type a misspelt key and a wrong unit at the end of the file.
  await page.click('#editor');
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
  await nextRun(page, () => page.keyboard.type('\nfinanse: {tax_rate: 21%}\n'));
  const text = await page.$eval('#editor', (el) => el.value);
  // The same file, at the same path, through the command.
  const tree = mkdtempSync(join(tmpdir(), 'gpusim-web-'));
  try {
    cpSync(join(repo, 'scenarios'), join(tree, 'scenarios'), { recursive: true });
    writeFileSync(join(tree, path), text);
    const r = runGpusim(['run', path, '--format', 'json'], tree);
    assert.equal(r.status, 2);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines.at(-1), /^1 error; nothing was run$/);
    const errors = await errorsOf(page);
    assert.deepEqual(errors, lines.slice(0, -1));
    const line = text.split('\n').length - 1;  // the typed key's line
    assert.match(errors[0], new RegExp(`^${path}:${line}:1: error: finanse: unknown key; did you mean 'finance'\\?`));
    // Beside its line: the gutter marks the line and the message follows the text.
    assert.equal(await page.$eval(`#gutter div:nth-child(${line})`, (el) => el.className), 'err');
    assert.match(await page.$eval(`#mirror .line:nth-child(${line}) .msg`, (el) => el.textContent),
                 new RegExp(`^◀ ${line}:1: finanse: unknown key`));
    assert.equal(await summaryOf(page), '');
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
  // Fixing it runs again.
  await nextRun(page, async () => {
    await page.keyboard.press('Backspace');
    for (let i = 0; i < 'finanse: {tax_rate: 21%}'.length; ++i) await page.keyboard.press('Backspace');
  });
  assert.deepEqual(await errorsOf(page), []);
  await page.close();
});

test('an exercise opens as a guided page and checks answers with the engine', async () => {
  const page = await openPage(env.browser, env.base, '?exercise=exercise-1-utilization-ladder');
  assert.match(await page.$eval('#exercise-question', (el) => el.textContent), /Sixty percent of\s+what\?/);
  assert.equal(await page.$eval('#scenario-path', (el) => el.textContent),
               'scenarios/teaching/exercise-1-utilization-ladder.yaml');
  const native = JSON.parse(gpusimJson('scenarios/teaching/exercise-1-utilization-ladder.yaml'));
  const check = async (i, answer) => {
    await page.click(`#check-${i}-input`, { clickCount: 3 });
    await page.keyboard.press('Backspace');
    await page.type(`#check-${i}-input`, answer);
    await page.click(`#check-${i}-button`);
    return page.$eval(`#check-${i}-result`, (el) => el.dataset.verdict);
  };
  const available = native.gpus.gpu_hours_available;  // 876,000 − 720 = 875,280 GPU-h
  assert.equal(await check(0, available.toLocaleString('en-US')), 'right');
  assert.equal(await check(0, String(available * 1.1)), 'wrong');
  assert.equal(await check(2, `${native.utilization.busy * 100}%`), 'right');  // 60%
  // Exercise 3's answers need a goal-seek: the engine solves it as `gpusim run --set solve=…` does.
  await page.click('#exercise-list a[data-exercise="exercise-3-twenty-two-percent"]');
  await page.waitForFunction(() => document.getElementById('check-1-input'));
  const solved = JSON.parse(gpusimJson('scenarios/teaching/exercise-3-twenty-two-percent.yaml',
    ['solve={vary: contracts.Others.gpus, target: customers.BigCo.revenue_share, equals: 62%}']));
  assert.equal(await check(1, `${(solved.utilization.billed * 100).toFixed(2)}%`), 'right');  // 22.09…%
  assert.match(page.url(), /exercise=exercise-3-twenty-two-percent/);
  await page.close();
});

// A result of a summary by its path, named list items by name (as the page and `explain` name them).
function metricOf(summary, path) {
  let value = summary;
  for (const part of path.split('.')) {
    value = Array.isArray(value) ? value.find((item) => item.name === part) : value?.[part];
  }
  return value;
}

test('every exercise of docs/teaching is a guided page whose every check takes the engine\'s answer', async () => {
  const exercises = JSON.parse(readFileSync(join(repo, 'web/exercises.json'), 'utf8'));
  const pages = readdirSync(join(repo, 'docs/teaching')).filter((f) => /^exercise-\d+-.*\.md$/.test(f));
  assert.deepEqual(exercises.map((e) => e.page).sort(), pages.map((f) => `docs/teaching/${f}`).sort());
  for (const e of exercises) {
    const page = await openPage(env.browser, env.base, `?exercise=${e.id}`);
    assert.equal(await page.$eval('#scenario-path', (el) => el.textContent), e.scenario);
    assert.notEqual(await page.$eval('#exercise-question', (el) => el.textContent.trim()), '', e.id);
    for (const [i, c] of e.checks.entries()) {
      const expected = metricOf(JSON.parse(gpusimJson(e.scenario, c.set ?? [])), c.metric);
      assert.equal(typeof expected, 'number', `${e.id}: ${c.metric}`);
      await page.type(`#check-${i}-input`, String(expected));
      await page.click(`#check-${i}-button`);
      assert.equal(await page.$eval(`#check-${i}-result`, (el) => el.dataset.verdict), 'right', `${e.id}: ${c.metric}`);
    }
    assert.deepEqual(page.problems, [], e.id);
    await page.close();
  }
});

// The panel of a clicked number: the command's explain of that path, as JSON
// (1e-9 relative) and as text (the same characters).
async function explainByClick(page, path) {
  await page.click(`#summary-table td[data-metric="${path}"]`);
  await page.waitForFunction((p) => !document.getElementById('explain').hidden &&
                             document.getElementById('explain').dataset.path === p, { timeout: 60000 }, path);
  return {
    json: JSON.parse(await page.$eval('#explain-json', (el) => el.textContent)),
    text: await page.$eval('#explain-text', (el) => el.textContent),
    tree: await page.$eval('#explain-tree', (el) => el.textContent),
  };
}

function nativeExplain(scenario, path, sets = [], format = 'json') {
  const r = runGpusim(['explain', scenario, path, ...sets.flatMap((s) => ['--set', s]), '--format', format]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('clicking a number of the summary shows gpusim explain for its path', async () => {
  const scenario = 'scenarios/teaching/worked-example.yaml';
  const page = await openPage(env.browser, env.base, '?scenario=teaching/worked-example.yaml');
  for (const path of ['finance.net_income_usd', 'utilization.billed', 'contracts.Acme.revenue_usd']) {
    const shown = await explainByClick(page, path);
    assert.deepEqual(jsonDifferences(shown.json, JSON.parse(nativeExplain(scenario, path))), [], path);
    assert.equal(shown.text, nativeExplain(scenario, path, [], 'text'), path);
    assert.match(page.url(), new RegExp(`explain=${path.replace(/\./g, '\\.')}`));
  }
  // The panel names the value, its unit, its equation and where each input
  // was written: 600 GPUs × 8,760 h × 2 USD = 10,512,000 USD.
  const acme = await explainByClick(page, 'contracts.Acme.revenue_usd');
  assert.equal(acme.json.value, 10512000);
  assert.match(acme.tree, /contracts\.Acme\.revenue_usd = 10,512,000 USD/);
  assert.match(acme.tree, /= billed GPU-hours × p₀/);
  assert.match(acme.tree, /contracts\.Acme\.gpus = 600 GPUs.*scenarios\/teaching\/worked-example\.yaml:\d+:\d+/);
  // A what-if moves the explanation with it: the URL's --set, then a slider.
  const slider = await addSlider(page, 'contracts.Acme.price');
  await moveSlider(page, slider, 10);  // 2 → 2.2 USD/gpu-h: 10 notches of (4 − 0) / 200 = 0.02
  const sets = setsInUrl(page);
  assert.deepEqual(sets, ['contracts.Acme.price=2.2']);
  const moved = JSON.parse(await page.$eval('#explain-json', (el) => el.textContent));
  assert.deepEqual(jsonDifferences(moved, JSON.parse(nativeExplain(scenario, 'contracts.Acme.revenue_usd', sets))), []);
  assert.ok(Math.abs(moved.value - 600 * 8760 * 2.2) <= 1e-9 * moved.value);  // 11,563,200 USD
  // Every number of the table can be explained: the engine knows each cell's path.
  const unexplained = await page.$$eval('#summary-table td.explainable', (tds) => tds.map((td) => td.dataset.metric)
    .filter((path) => !call('explain', request({ path, depth: 0 })).ok));
  assert.deepEqual(unexplained, []);
  assert.ok(await page.$$eval('#summary-table td.explainable', (tds) => tds.length) > 50);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('an explain opened through the URL follows its --set', async () => {
  const scenario = 'scenarios/articles/coreweave-2024-utilization.yaml';
  const sets = ['contracts.Microsoft.price=3.5'];
  const page = await openPage(env.browser, env.base,
    `?scenario=articles/coreweave-2024-utilization.yaml&set=${sets[0]}&explain=finance.revenue_usd`);
  await page.waitForFunction(() => !document.getElementById('explain').hidden);
  const shown = JSON.parse(await page.$eval('#explain-json', (el) => el.textContent));
  assert.deepEqual(jsonDifferences(shown, JSON.parse(nativeExplain(scenario, 'finance.revenue_usd', sets))), []);
  await page.close();
});

test('once loaded, the page works offline, reloaded included', async () => {
  const query = '?scenario=articles/coreweave-2024-utilization.yaml';
  const page = await openPage(env.browser, env.base, query);
  // The service worker has kept every file of the page.
  await page.waitForFunction(() => document.body.dataset.offline === 'ready', { timeout: 60000 });
  await page.setOfflineMode(true);
  // Reloaded with no network: page, engine and scenarios come from the service worker.
  const response = await page.reload({ waitUntil: 'load' });
  assert.equal(response.fromServiceWorker(), true);
  await page.waitForFunction(() => Number(document.body.dataset.runs ?? 0) >= 1, { timeout: 60000 });
  assert.equal(await page.$eval('#status', (el) => el.dataset.state), 'ready');
  const here = JSON.parse(gpusimJson('scenarios/articles/coreweave-2024-utilization.yaml'));
  assert.deepEqual(jsonDifferences(JSON.parse(await summaryOf(page)), here), []);
  // Another shipped scenario, and an exercise, still offline.
  await nextRun(page, () => page.click('#scenario-list a[data-path="scenarios/teaching/worked-example.yaml"]'));
  const native = gpusimJson('scenarios/teaching/worked-example.yaml');
  assert.deepEqual(jsonDifferences(JSON.parse(await summaryOf(page)), JSON.parse(native)), []);
  // A page opened fresh while offline, at another address of the page.
  const fresh = await env.browser.newPage();
  await fresh.setOfflineMode(true);
  await fresh.goto(`${env.base}index.html?exercise=exercise-1-utilization-ladder`, { waitUntil: 'load' });
  await fresh.waitForFunction(() => Number(document.body.dataset.runs ?? 0) >= 1, { timeout: 60000 });
  assert.equal(await fresh.$eval('#scenario-path', (el) => el.textContent),
               'scenarios/teaching/exercise-1-utilization-ladder.yaml');
  assert.deepEqual(page.problems, []);
  await page.setOfflineMode(false);
  await fresh.close();
  await page.close();
});
