// A measurement, not a test (performance targets are reported, never asserted
// by timed tests): times one slider move on every shipped scenario in headless
// Chromium and prints the Markdown table of docs/performance.md; with
// --screenshot FILE, also saves a picture of the page (docs/web-page.png).
//   bash scripts/web.sh bench [--screenshot ../docs/web-page.png]
import { writeFileSync } from 'node:fs';
import { openPage, shippedScenarios, sliderTimes, startBrowser } from './browser.mjs';

const shot = process.argv.indexOf('--screenshot');
const env = await startBrowser();
try {
  console.log('| scenario | slider key | engine, ms (median of 7) | page, ms (median) | page, ms (fastest) | page, ms (slowest) |');
  console.log('|---|---|---|---|---|---|');
  for (const s of shippedScenarios()) {
    const t = await sliderTimes(env.browser, env.base, s.path);
    console.log(`| \`${s.path}\` | \`${t.key}\` | ${t.engineMs.toFixed(1)} | ${t.totalMs.toFixed(1)} | ${t.minTotalMs.toFixed(1)} | ${t.maxTotalMs.toFixed(1)} |`);
  }
  if (shot > 0) {
    const page = await openPage(env.browser, env.base,
      '?scenario=teaching/worked-example.yaml&set=contracts.Acme.price=2.4&set=sites.dc.electricity=0.1' +
      '&explain=finance.net_income_usd');
    await page.select('#heat-key', 'sites.dc.pue');
    await page.waitForFunction(() => !document.getElementById('heatmap-chart').hidden);
    await page.evaluate(() => window.scrollTo(0, 0));
    await new Promise((ok) => setTimeout(ok, 300));
    writeFileSync(process.argv[shot + 1], await page.screenshot({ fullPage: false }));
    console.log(`screenshot: ${process.argv[shot + 1]}`);
  }
} finally {
  await env.stop();
}
