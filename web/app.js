// gpusim's browser page. Every number comes from the engine (gpusim.wasm, the
// same C++ as `gpusim run`, through web/binding.cpp); this file only moves
// text in and out of it and draws what it returns.
'use strict';

const DATA = window.GPUSIM_DATA;
const DEFAULT_SCENARIO = 'scenarios/articles/coreweave-2024-utilization.yaml';
const HEAT_POINTS = 9;          // a 9 × 9 grid of runs
const SLIDER_STEPS = 200;
const ANSWER_TOLERANCE = 0.005; // "check my answer": within 0.5% of the engine's value
const $ = (id) => document.getElementById(id);

const state = {
  path: DEFAULT_SCENARIO,
  text: '',
  sets: [],            // [[path, value], …] in order: the --set overrides
  ranges: {},          // path → {min, max, unit}: each slider's range, fixed when it appears
  exercise: null,
  heatKey: '',
  heatMetric: 'finance.net_income_usd',
  seriesColumn: 'revenue_usd',
  explainPath: '',     // the result whose explanation is open ('' when closed)
};
let engine = null;
let keys = [];        // numeric keys of the current document (from the engine)
let summary = null;   // the last good summary (parsed)
let monthly = null;   // the last monthly series {columns, rows}
let runs = 0;
let keysOf = '';      // the scenario and text the keys were read from
let heatmapOf = '';   // the heatmap request last drawn
const charts = {};

// ---------------------------------------------------------------- the engine

function call(fn, request) {
  return JSON.parse(engine[fn](JSON.stringify(request)));
}

function request(extra = {}) {
  return { scenario: state.path, text: state.text, set: state.sets.map(([p, v]) => `${p}=${v}`), ...extra };
}

function run() {
  const t0 = performance.now();
  // The numeric keys depend on the file, not on the values a slider moves.
  const needKeys = keysOf !== `${state.path}\n${state.text}`;
  const answer = call('run', request({ series: true, keys: needKeys }));
  const engineMs = performance.now() - t0;
  showErrors(answer.ok ? [] : answer.errors);
  if (answer.ok) {
    summary = JSON.parse(answer.summary);
    $('summary-json').textContent = answer.summary;
    if (needKeys) {
      keys = answer.keys;
      keysOf = `${state.path}\n${state.text}`;
    }
    monthly = parseCsv(answer.monthly_csv);
    renderKeys();
    renderSliders();
    renderResults();
    renderHeatmap();
    renderExplain();
  } else {
    $('summary-json').textContent = '';
  }
  const totalMs = performance.now() - t0;
  $('run-time').textContent = `engine ${engineMs.toFixed(1)} ms, page ${totalMs.toFixed(1)} ms`;
  runs += 1;
  document.body.dataset.runs = String(runs);
  document.body.dataset.engineMs = engineMs.toFixed(3);
  document.body.dataset.totalMs = totalMs.toFixed(3);
  document.body.dataset.ok = String(answer.ok);
  writeUrl();
  return answer;
}

// ---------------------------------------------------------------- the URL

function readUrl() {
  const params = new URLSearchParams(location.search);
  const exercise = params.get('exercise');
  state.exercise = DATA.exercises.find((e) => e.id === exercise) ?? null;
  const scenario = params.get('scenario');
  if (state.exercise) state.path = state.exercise.scenario;
  else if (scenario) state.path = scenario.startsWith('scenarios/') ? scenario : `scenarios/${scenario}`;
  state.sets = params.getAll('set').map((s) => {
    const eq = s.indexOf('=');
    return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
  });
  state.heatKey = params.get('heat') ?? '';
  state.heatMetric = params.get('metric') ?? state.heatMetric;
  state.seriesColumn = params.get('series') ?? state.seriesColumn;
  state.explainPath = params.get('explain') ?? '';
  state.text = DATA.files[state.path] ?? '';
}

function writeUrl() {
  const enc = (s) => encodeURIComponent(s).replace(/%2F/g, '/').replace(/%3D/g, '=').replace(/%3A/g, ':')
    .replace(/%2C/g, ',').replace(/%20/g, '+');
  const parts = [];
  if (state.exercise) parts.push(`exercise=${enc(state.exercise.id)}`);
  else parts.push(`scenario=${enc(state.path.replace(/^scenarios\//, ''))}`);
  for (const [p, v] of state.sets) parts.push(`set=${enc(`${p}=${v}`)}`);
  if (state.heatKey) parts.push(`heat=${enc(state.heatKey)}`, `metric=${enc(state.heatMetric)}`);
  if (state.seriesColumn !== 'revenue_usd') parts.push(`series=${enc(state.seriesColumn)}`);
  if (state.explainPath) parts.push(`explain=${enc(state.explainPath)}`);
  const query = `?${parts.join('&')}`;
  if (query !== location.search) history.replaceState(null, '', query);
}

// ---------------------------------------------------------------- picking a scenario

function renderPicker() {
  const byFolder = new Map();
  for (const s of DATA.scenarios) {
    if (!byFolder.has(s.folder)) byFolder.set(s.folder, []);
    byFolder.get(s.folder).push(s);
  }
  const order = ['articles', 'deals', 'teaching', 'whatif', 'bench'];
  const folders = [...byFolder.keys()].sort((a, b) => (order.indexOf(a) + 99 * (order.indexOf(a) < 0)) -
                                                     (order.indexOf(b) + 99 * (order.indexOf(b) < 0)));
  const list = $('scenario-list');
  list.textContent = '';
  for (const folder of folders) {
    const h = document.createElement('h3');
    h.textContent = folder;
    const ul = document.createElement('ul');
    for (const s of byFolder.get(folder)) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      const rel = s.path.replace(/^scenarios\//, '');
      a.href = `?scenario=${rel}`;
      a.textContent = s.name;
      a.title = s.path;
      a.dataset.path = s.path;
      a.addEventListener('click', (ev) => { ev.preventDefault(); openScenario(s.path, null); });
      li.append(a);
      ul.append(li);
    }
    list.append(h, ul);
  }
  const ex = $('exercise-list');
  ex.textContent = '';
  for (const e of DATA.exercises) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `?exercise=${e.id}`;
    a.textContent = (/^# (.*)$/m.exec(DATA.pages[e.page])?.[1] ?? e.id).replace(/^Exercise \d+ — /, '');
    a.dataset.exercise = e.id;
    a.addEventListener('click', (ev) => { ev.preventDefault(); openScenario(e.scenario, e); });
    li.append(a);
    ex.append(li);
  }
}

function openScenario(path, exercise) {
  state.path = path;
  state.exercise = exercise;
  state.text = DATA.files[path] ?? '';
  state.sets = [];
  state.ranges = {};
  state.heatKey = '';
  state.explainPath = '';
  $('editor').value = state.text;
  renderHeader();
  run();
}

function renderHeader() {
  const s = DATA.scenarios.find((x) => x.path === state.path);
  $('scenario-title').textContent = s ? s.name : state.path;
  $('scenario-path').textContent = state.path;
  for (const a of document.querySelectorAll('#picker a')) {
    a.classList.toggle('current', state.exercise ? a.dataset.exercise === state.exercise.id
                                                 : a.dataset.path === state.path);
  }
  renderExercise();
}

// ---------------------------------------------------------------- the editor

let typingTimer = 0;

function onType() {
  state.text = $('editor').value;
  renderMirror([]);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(run, 120);
}

function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Line numbers, and each error of the edited file beside its line.
let mirrorOf = '';
function renderMirror(errors) {
  const sig = `${$('editor').value}\n${JSON.stringify(errors)}`;
  if (sig === mirrorOf) return;  // a slider move changes neither
  mirrorOf = sig;
  const lines = $('editor').value.split('\n');
  const byLine = new Map();
  for (const e of errors) {
    if (e.file !== state.path || e.line < 1) continue;
    if (!byLine.has(e.line)) byLine.set(e.line, []);
    byLine.get(e.line).push(e);
  }
  $('gutter').innerHTML = lines.map((_, i) =>
    `<div class="${byLine.has(i + 1) ? 'err' : ''}">${i + 1}</div>`).join('');
  $('mirror').innerHTML = lines.map((line, i) => {
    const errs = byLine.get(i + 1);
    const msg = errs ? `<span class="msg" data-line="${i + 1}">${errs.map((e) =>
      escapeHtml(`◀ ${e.line}:${e.col}: ${e.path ? `${e.path}: ` : ''}${e.message}`)).join('   ')}</span>` : '';
    return `<div class="${errs ? 'line err' : 'line'}"><span class="txt">${escapeHtml(line) || ' '}</span>${msg}</div>`;
  }).join('');
  syncScroll();
}

function syncScroll() {
  const ed = $('editor');
  $('mirror').style.transform = `translate(${-ed.scrollLeft}px, ${-ed.scrollTop}px)`;
  $('gutter').style.transform = `translateY(${-ed.scrollTop}px)`;
}

function showErrors(errors) {
  const ul = $('errors');
  if (errors.length === 0 && ul.childElementCount === 0) { renderMirror(errors); return; }
  ul.textContent = '';
  for (const e of errors) {
    const li = document.createElement('li');
    li.textContent = e.text;
    li.dataset.line = e.line;
    li.dataset.file = e.file;
    if (e.file === state.path && e.line > 0) li.addEventListener('click', () => goToLine(e.line, e.col));
    ul.append(li);
  }
  renderMirror(errors);
}

function goToLine(line, col) {
  const ed = $('editor');
  const lines = ed.value.split('\n');
  let at = 0;
  for (let i = 0; i < line - 1 && i < lines.length; ++i) at += lines[i].length + 1;
  ed.focus();
  ed.setSelectionRange(at + Math.max(0, col - 1), at + Math.max(0, col - 1));
}

// ---------------------------------------------------------------- what-ifs

const round6 = (x) => Number(Number(x).toPrecision(6));

function keyInfo(path) { return keys.find((k) => k.path === path); }

// A slider's range: 0 to twice the value as written (or the other way for a
// negative one), inside the key's accepted range.
function rangeFor(k) {
  let lo = k.value < 0 ? 2 * k.value : 0;
  let hi = k.value > 0 ? 2 * k.value : k.value < 0 ? 0 : 1;
  if (k.min !== null) lo = Math.max(lo, k.min);
  if (k.max !== null) hi = Math.min(hi, k.max);
  if (!(hi > lo)) hi = lo + 1;
  return { min: round6(lo), max: round6(hi), unit: k.unit };
}

function renderKeys() {
  const dl = $('key-list');
  const sig = keys.map((k) => k.path).join('|');
  if (dl.dataset.sig === sig) return;
  dl.dataset.sig = sig;
  dl.innerHTML = keys.map((k) => `<option value="${escapeHtml(k.path)}">${escapeHtml(`${k.text}`)}</option>`).join('');
  const heat = $('heat-key');
  heat.innerHTML = '<option value="">—</option>' +
    keys.map((k) => `<option value="${escapeHtml(k.path)}">${escapeHtml(k.path)}</option>`).join('');
  heat.value = state.heatKey;
}

function addSlider(path) {
  const k = keyInfo(path);
  if (!k) {
    showErrors([{ file: '', line: 0, col: 0, path, message: 'not a numeric key of this scenario',
                  text: `--set ${path}: not a numeric key of this scenario (pick one from the list)` }]);
    return;
  }
  if (!state.sets.some(([p]) => p === path)) state.sets.push([path, String(round6(k.value))]);
  run();
}

function setValue(path, value) {
  const entry = state.sets.find(([p]) => p === path);
  if (entry) entry[1] = String(round6(value));
  run();
}

function renderSliders() {
  const box = $('sliders');
  const wanted = state.sets.filter(([p]) => keyInfo(p));
  for (const el of [...box.children]) if (!wanted.some(([p]) => p === el.dataset.path)) el.remove();
  for (const [path, value] of wanted) {
    if (!state.ranges[path]) state.ranges[path] = rangeFor({ ...keyInfo(path), value: Number(value) });
    const r = state.ranges[path];
    let row = [...box.children].find((el) => el.dataset.path === path);
    if (!row) {
      row = document.createElement('div');
      row.className = 'slider';
      row.dataset.path = path;
      row.innerHTML = `<label></label><input type="range"><input type="number" class="exact">` +
        '<span class="unit"></span><button type="button" title="remove">×</button>';
      row.querySelector('label').textContent = path;
      const range = row.querySelector('input[type=range]');
      range.min = r.min; range.max = r.max; range.step = (r.max - r.min) / SLIDER_STEPS;
      range.setAttribute('aria-label', path);
      range.addEventListener('input', () => setValue(path, Number(range.value)));
      const exact = row.querySelector('.exact');
      exact.addEventListener('change', () => setValue(path, Number(exact.value)));
      row.querySelector('button').addEventListener('click', () => {
        state.sets = state.sets.filter(([p]) => p !== path);
        delete state.ranges[path];
        run();
      });
      row.querySelector('.unit').textContent = `${r.unit || ''}  (${r.min} to ${r.max})`;
      box.append(row);
    }
    const range = row.querySelector('input[type=range]');
    if (document.activeElement !== range) range.value = value;
    const exact = row.querySelector('.exact');
    if (document.activeElement !== exact) exact.value = value;
  }
}

function axisValues(path) {
  const r = state.ranges[path] ?? rangeFor(keyInfo(path));
  return Array.from({ length: HEAT_POINTS }, (_, i) => round6(r.min + (r.max - r.min) * i / (HEAT_POINTS - 1)));
}

function renderHeatmap() {
  const box = $('heatmap-chart');
  const first = state.sets.find(([p]) => keyInfo(p))?.[0];
  const metrics = summary ? flatten(summary).filter(([, v]) => typeof v === 'number').map(([p]) => p) : [];
  const sel = $('heat-metric');
  if (sel.dataset.sig !== metrics.join('|')) {
    sel.dataset.sig = metrics.join('|');
    sel.innerHTML = metrics.map((m) => `<option>${escapeHtml(m)}</option>`).join('');
  }
  if (!metrics.includes(state.heatMetric)) state.heatMetric = metrics.includes('finance.net_income_usd')
    ? 'finance.net_income_usd' : metrics[0] ?? '';
  sel.value = state.heatMetric;
  if (!state.heatKey || !first || first === state.heatKey || !keyInfo(state.heatKey)) {
    box.hidden = true;
    return;
  }
  const others = state.sets.filter(([p]) => p !== first && p !== state.heatKey).map(([p, v]) => `${p}=${v}`);
  const xs = axisValues(first);
  const ys = axisValues(state.heatKey);
  const heatRequest = { scenario: state.path, text: state.text, set: others,
                        x: `${first}=${xs.join(',')}`, y: `${state.heatKey}=${ys.join(',')}`,
                        metric: state.heatMetric };
  // Moving the slider of either axis leaves the grid as it is.
  if (!box.hidden && heatmapOf === JSON.stringify(heatRequest)) return;
  heatmapOf = JSON.stringify(heatRequest);
  const answer = call('heatmap', heatRequest);
  box.hidden = false;
  if (!answer.ok) {
    charts.heatmap?.dispose();
    delete charts.heatmap;
    const pre = document.createElement('pre');
    pre.className = 'heat-error';
    pre.textContent = answer.report;
    box.replaceChildren(pre);
    return;
  }
  const data = [];
  answer.values.forEach((row, j) => row.forEach((v, i) => data.push([i, j, v])));
  const finite = data.map((d) => d[2]).filter((v) => v !== null);
  chart('heatmap', box, {
    title: { text: `${state.heatMetric} over ${first} × ${state.heatKey}`, textStyle: { fontSize: 12 } },
    tooltip: { formatter: (p) => `${first} = ${answer.x[p.value[0]]}<br>${state.heatKey} = ${answer.y[p.value[1]]}` +
                                 `<br>${state.heatMetric} = ${fmt(p.value[2])}` },
    grid: { left: 90, right: 20, top: 40, bottom: 80 },
    xAxis: { type: 'category', data: answer.x.map(fmtAxis), name: first, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', data: answer.y.map(fmtAxis), name: state.heatKey, nameLocation: 'end' },
    visualMap: { min: Math.min(...finite), max: Math.max(...finite), calculable: true, orient: 'horizontal',
                 left: 'center', bottom: 0, itemHeight: 200, formatter: (v) => fmt(v) },
    series: [{ type: 'heatmap', data, label: { show: false } }],
  });
}

// ---------------------------------------------------------------- results

function flatten(value, path = '', out = [], skipName = false) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const named = item && typeof item === 'object' && typeof item.name === 'string';
      flatten(item, named ? `${path}.${item.name}` : `${path}[${i}]`, out, named);
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!(skipName && k === 'name')) flatten(v, path ? `${path}.${k}` : k, out);
    }
  } else {
    out.push([path, value]);
  }
  return out;
}

function fmt(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  const a = Math.abs(v);
  if (a >= 1e3) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (a >= 1) return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return Number(v.toPrecision(6)).toString();
}

function fmtAxis(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${round6(v / 1e9)}B`;
  if (a >= 1e6) return `${round6(v / 1e6)}M`;
  if (a >= 1e4) return `${round6(v / 1e3)}k`;
  return String(round6(v));
}

function parseCsv(text) {
  if (!text) return null;
  const [head, ...rows] = text.trim().split('\n');
  return { columns: head.split(','), rows: rows.map((r) => r.split(',')) };
}

// Draws `option` in `el`; a chart already there is updated in place (merging
// the new data is far cheaper than building the chart again on every move).
function chart(name, el, option) {
  let fresh = false;
  if (!charts[name] || charts[name].getDom() !== el || charts[name].isDisposed()) {
    el.textContent = '';
    charts[name] = echarts.init(el, null, { renderer: 'canvas' });
    fresh = true;
  }
  charts[name].setOption({ animation: false, ...option }, { notMerge: fresh });
}

// The summary table: every result, each cell marked with its metric path
// (data-metric); clicking a number opens its `explain`.
function renderTable() {
  const body = $('summary-table').tBodies[0];
  const rows = flatten(summary);
  const sig = rows.map(([p]) => p).join('\n');
  if (body.dataset.sig === sig) {  // the same results: new values only
    const cells = body.querySelectorAll('td');
    rows.forEach(([, v], i) => { cells[i].textContent = fmt(v); });
    return;
  }
  body.dataset.sig = sig;
  // Numbers, and results undefined in this run (null), are explainable.
  body.innerHTML = rows.map(([p, v]) => `<tr><th>${escapeHtml(p)}</th>` +
    `<td class="${typeof v === 'number' || v === null ? 'num explainable' : ''}" data-metric="${escapeHtml(p)}"` +
    `${p === state.explainPath ? ' aria-selected="true"' : ''}>${escapeHtml(fmt(v))}</td></tr>`)
    .join('');
}

// ---------------------------------------------------------------- explain

// `gpusim explain SCENARIO PATH` for the run on the page (the same library
// code, in the engine): the tree drawn in #explain-tree, the command's text in
// #explain-text and its `--format json` in #explain-json.
function openExplain(path) {
  state.explainPath = path;
  renderExplain();
  writeUrl();
  $('explain').scrollIntoView({ block: 'nearest' });
}

function closeExplain() {
  state.explainPath = '';
  renderExplain();
  writeUrl();
}

let explainOf = '';  // the request last explained
function renderExplain() {
  const box = $('explain');
  for (const td of document.querySelectorAll('#summary-table td.explained')) td.classList.remove('explained');
  if (!state.explainPath) { box.hidden = true; explainOf = ''; return; }
  const explainRequest = request({ path: state.explainPath });
  const sig = JSON.stringify(explainRequest);
  if (sig !== explainOf) {
    explainOf = sig;
    const answer = call('explain', explainRequest);
    $('explain-path').textContent = state.explainPath;
    box.dataset.path = state.explainPath;
    box.dataset.ok = String(answer.ok);
    if (answer.ok) {
      $('explain-tree').replaceChildren(explainTree(JSON.parse(answer.json)));
      $('explain-text').textContent = answer.text;
      $('explain-json').textContent = answer.json;
    } else {
      const pre = document.createElement('pre');
      pre.className = 'errors-text';
      pre.textContent = answer.report;
      $('explain-tree').replaceChildren(pre);
      $('explain-text').textContent = answer.report;
      $('explain-json').textContent = '';
    }
  }
  box.hidden = false;
  document.querySelector(`#summary-table td[data-metric="${CSS.escape(state.explainPath)}"]`)?.classList.add('explained');
}

// One node: its path (or label), value and unit, equation, where it was
// written and its notes; then its inputs, the first two levels unfolded.
function explainTree(root) {
  const item = (node, level) => {
    const li = document.createElement('li');
    const head = document.createElement(node.children.length ? 'summary' : 'div');
    const span = (cls, text) => { const s = document.createElement('span'); s.className = cls; s.textContent = text; return s; };
    if (node.sign < 0) head.append(span('sign', '− '));
    head.append(span('path', node.path || node.label), ' = ',
                span('value', `${fmt(node.value)}${node.unit ? ` ${node.unit}` : ''}`));
    if (node.equation && node.equation !== 'input') head.append('  ', span('eq', `= ${node.equation}`));
    if (node.source) head.append('  ', span('src', node.source));
    const label = span('note', node.path ? ` — ${node.label}` : '');
    const notes = node.notes.map((n) => span('note', ` ↳ ${n}`));
    if (!node.children.length) { head.append(label, ...notes); li.append(head); return li; }
    const details = document.createElement('details');
    details.open = level < 2;
    head.append(label, ...notes);
    const ul = document.createElement('ul');
    for (const c of node.children) ul.append(item(c, level + 1));
    details.append(head, ul);
    li.append(details);
    return li;
  };
  const ul = document.createElement('ul');
  ul.append(item(root, 0));
  return ul;
}

function renderResults() {
  renderTable();
  const g = summary.gpus, u = summary.utilization, f = summary.finance, e = summary.energy, pw = summary.power;
  const ladder = [['installed', g.gpu_hours_installed, 1], ['available', g.gpu_hours_available, u.available],
                  ['contracted', g.gpu_hours_contracted, u.contracted], ['billed', g.gpu_hours_billed, u.billed],
                  ['busy', g.gpu_hours_busy, u.busy]];
  chart('ladder', $('ladder-chart'), {
    grid: { left: 70, right: 20, top: 20, bottom: 30 },
    tooltip: {},
    xAxis: { type: 'category', data: ladder.map((l) => l[0]), axisLabel: { interval: 0, fontSize: 10 } },
    yAxis: { type: 'value', axisLabel: { formatter: fmtAxis } },
    series: [{ type: 'bar', data: ladder.map((l) => l[1]), itemStyle: { color: '#3b6ea8' },
               label: { show: true, position: 'top',
                        formatter: (p) => (ladder[p.dataIndex][2] === null ? '' : `${(100 * ladder[p.dataIndex][2]).toFixed(1)}%`) } }],
  });

  // Revenue, less each cost, to operating income; less interest, other and tax, to net income.
  const steps = [['revenue', f.revenue_usd, 'total'], ['energy', -f.energy_cost_usd], ['colocation', -f.colocation_usd],
                 ['opex', -f.opex_usd], ['depreciation', -f.depreciation_usd], ['operating income', f.operating_income_usd, 'total'],
                 ['interest', -f.interest_usd], ['other', -(f.other_usd ?? 0)], ['tax', -f.tax_usd],
                 ['net income', f.net_income_usd, 'total']];
  let level = 0;
  const bars = steps.map(([label, v, kind], i) => {
    const from = kind ? 0 : level;
    const to = kind ? v : level + v;
    level = to;
    const color = kind ? '#3b6ea8' : v < 0 ? '#c0504d' : '#4f9a5c';
    return { value: [i, from, to, v], itemStyle: { color }, name: label };
  });
  chart('waterfall', $('waterfall-chart'), {
    grid: { left: 70, right: 20, top: 20, bottom: 50 },
    tooltip: { formatter: (p) => `${steps[p.value[0]][0]}: ${fmt(p.value[3])} USD` },
    xAxis: { type: 'category', data: steps.map((s) => s[0]), axisLabel: { interval: 0, rotate: 30, fontSize: 10 } },
    yAxis: { type: 'value', axisLabel: { formatter: fmtAxis } },
    series: [{
      type: 'custom', encode: { x: 0, y: [1, 2] }, data: bars,
      renderItem: (params, api) => {
        const a = api.coord([api.value(0), api.value(1)]);
        const b = api.coord([api.value(0), api.value(2)]);
        const w = api.size([1, 0])[0] * 0.6;
        return { type: 'rect', shape: { x: a[0] - w / 2, y: Math.min(a[1], b[1]), width: w,
                                        height: Math.max(1, Math.abs(a[1] - b[1])) }, style: api.style() };
      },
    }],
  });

  chart('energy', $('energy-chart'), {
    tooltip: {},
    grid: [{ left: 55, right: '54%', top: 30, bottom: 55 }, { left: '60%', right: 12, top: 30, bottom: 55 }],
    title: [{ text: 'energy, kWh', left: 10, textStyle: { fontSize: 11 } },
            { text: 'power, MW', left: '56%', textStyle: { fontSize: 11 } }],
    xAxis: [{ gridIndex: 0, type: 'category', data: ['GPUs', 'servers', 'cooling, losses', 'facility'],
              axisLabel: { interval: 0, rotate: 30, fontSize: 10 } },
            { gridIndex: 1, type: 'category', data: ['IT avg', 'IT peak', 'facility avg', 'facility peak'],
              axisLabel: { interval: 0, rotate: 30, fontSize: 10 } }],
    yAxis: [{ gridIndex: 0, type: 'value', axisLabel: { formatter: fmtAxis } },
            { gridIndex: 1, type: 'value', axisLabel: { formatter: fmtAxis } }],
    series: [{ type: 'bar', xAxisIndex: 0, yAxisIndex: 0, itemStyle: { color: '#d08b2c' },
               data: [e.gpu_kwh, e.server_kwh, e.cooling_and_losses_kwh, e.facility_kwh] },
             { type: 'bar', xAxisIndex: 1, yAxisIndex: 1, itemStyle: { color: '#7a5ba6' },
               data: [pw.it_avg_mw, pw.it_peak_mw, pw.facility_avg_mw, pw.facility_peak_mw] }],
  });

  const sel = $('series-column');
  const numeric = monthly ? monthly.columns.slice(1) : [];
  if (sel.dataset.sig !== numeric.join('|')) {
    sel.dataset.sig = numeric.join('|');
    sel.innerHTML = numeric.map((c) => `<option>${escapeHtml(c)}</option>`).join('');
  }
  if (!numeric.includes(state.seriesColumn)) state.seriesColumn = numeric.includes('revenue_usd') ? 'revenue_usd' : numeric[0];
  sel.value = state.seriesColumn;
  const col = monthly ? monthly.columns.indexOf(state.seriesColumn) : -1;
  chart('series', $('series-chart'), {
    grid: { left: 70, right: 20, top: 20, bottom: 30 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: monthly ? monthly.rows.map((r) => r[0]) : [] },
    yAxis: { type: 'value', axisLabel: { formatter: fmtAxis } },
    series: [{ type: 'line', showSymbol: false, data: monthly && col > 0 ? monthly.rows.map((r) => Number(r[col])) : [],
               itemStyle: { color: '#3b6ea8' } }],
  });
}

// ---------------------------------------------------------------- exercises

function section(markdown, heading) {
  const m = new RegExp(`^## ${heading}\\s*$([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(markdown);
  return m ? m[1] : '';
}

// "875,280", "80%", "1.3B", "2.5 USD": a number as a person types it.
function parseAnswer(text) {
  const m = /^\s*([-+]?[\d,_ ]*\.?\d+(?:e[-+]?\d+)?)\s*(%|bn|k|m|b)?(?![a-z])/i.exec(text.replace(/^\s*\$/, ''));
  if (!m) return null;
  const n = Number(m[1].replace(/[,_ ]/g, ''));
  const scale = { '%': 0.01, k: 1e3, m: 1e6, b: 1e9, bn: 1e9 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Number.isFinite(n) ? n * scale : null;
}

function checkAnswer(exercise, check, index) {
  const input = $(`check-${index}-input`);
  const out = $(`check-${index}-result`);
  const answer = call('run', { scenario: exercise.scenario, text: DATA.files[exercise.scenario],
                               set: check.set ?? [] });
  if (!answer.ok) { out.textContent = answer.report; out.className = 'result wrong'; return; }
  const expected = metricOf(JSON.parse(answer.summary), check.metric);
  const given = parseAnswer(input.value);
  const right = given !== null && expected !== null &&
    Math.abs(given - expected) <= ANSWER_TOLERANCE * Math.max(Math.abs(expected), 1e-12);
  out.className = `result ${right ? 'right' : 'wrong'}`;
  out.dataset.verdict = right ? 'right' : 'wrong';
  out.textContent = given === null ? 'type a number (1,234.5, 62% and 1.3B are understood)'
    : right ? `right — gpusim gets ${fmt(expected)} (${check.metric})`
    : 'not yet — within 0.5% counts; the scenario and the hand arithmetic below can help';
}

function metricOf(summaryJson, metric) {
  const hit = flatten(summaryJson).find(([p]) => p === metric);
  return hit && typeof hit[1] === 'number' ? hit[1] : null;
}

function renderExercise() {
  const box = $('exercise');
  const e = state.exercise;
  box.hidden = !e;
  if (!e) return;
  const page = DATA.pages[e.page];
  const title = /^# (.*)$/m.exec(page)?.[1] ?? e.id;
  $('exercise-question').innerHTML = `<h2>${escapeHtml(title)}</h2>` + marked.parse(section(page, 'The question'));
  $('exercise-arithmetic').querySelector('div').innerHTML = marked.parse(section(page, 'Check yourself'));
  const form = $('exercise-checks');
  form.innerHTML = '<h3>Check my answer</h3>' + e.checks.map((c, i) =>
    `<div class="check"><label for="check-${i}-input">${escapeHtml(c.ask)}</label>` +
    `<input id="check-${i}-input" type="text" inputmode="decimal">` +
    `<button id="check-${i}-button" type="button">check my answer</button>` +
    `<span id="check-${i}-result" class="result"></span></div>`).join('');
  e.checks.forEach((c, i) => {
    $(`check-${i}-button`).addEventListener('click', () => checkAnswer(e, c, i));
    $(`check-${i}-input`).addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') { ev.preventDefault(); checkAnswer(e, c, i); }
    });
  });
}

// ---------------------------------------------------------------- offline

// The service worker (sw.js) keeps every file of the page once it has loaded;
// `data-offline` on the body says when it is ready ("ready") or why not.
function keepOffline() {
  if (!('serviceWorker' in navigator)) { document.body.dataset.offline = 'unsupported'; return; }
  navigator.serviceWorker.register('sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then(() => { document.body.dataset.offline = 'ready'; })
    .catch((err) => { document.body.dataset.offline = `unavailable: ${err.message}`; });
}

// ---------------------------------------------------------------- start

async function start() {
  keepOffline();
  readUrl();
  renderPicker();
  $('editor').value = state.text;
  $('editor').addEventListener('input', onType);
  $('editor').addEventListener('scroll', syncScroll);
  $('reset').addEventListener('click', () => openScenario(state.path, state.exercise));
  $('add-slider').addEventListener('click', () => addSlider($('key-input').value.trim()));
  $('key-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') addSlider($('key-input').value.trim());
  });
  $('heat-key').addEventListener('change', () => { state.heatKey = $('heat-key').value; renderHeatmap(); writeUrl(); });
  $('heat-metric').addEventListener('change', () => { state.heatMetric = $('heat-metric').value; renderHeatmap(); writeUrl(); });
  $('series-column').addEventListener('change', () => { state.seriesColumn = $('series-column').value; renderResults(); writeUrl(); });
  $('summary-table').addEventListener('click', (ev) => {
    const td = ev.target.closest('td.explainable');
    if (td) openExplain(td.dataset.metric);
  });
  $('explain-close').addEventListener('click', closeExplain);
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  try {
    engine = await gpusim_module();
    call('write_files', DATA.files);
  } catch (err) {
    $('status').textContent = `the engine did not load: ${err}`;
    $('status').dataset.state = 'failed';
    return;
  }
  renderHeader();
  run();
  $('status').textContent = 'engine ready (WebAssembly)';
  $('status').dataset.state = 'ready';
}

start();
