// The browser app's speed, as the issue measures it:
//   1. the compressed (gzip) size of the app's wasm and JavaScript;
//   2. navigation to the Summary's charts drawn, median of 10 loads;
//   3. a slicer change (Go) to the Orders charts redrawn, median of 10 changes.
// On localhost, headless Chromium, the default demo data. Run: npm --prefix e2e run bench
// (E2E_BENCH_SMALL=1 uses the tests' small data set instead, for a quick look.)

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { signInToApi } from '../lib/api.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { repoRoot, startPortal } from '../lib/server.mjs';

const LOADS = 10;
const LIMITS = { bundleKb: 600, summaryMs: 1500, slicerMs: 300 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function bundleSize() {
  const dist = path.join(repoRoot, 'crates', 'web', 'dist');
  let raw = 0;
  let gzip = 0;
  // Every wasm and JavaScript file the page loads, the snippets folder included.
  for (const name of await readdir(dist, { recursive: true })) {
    if (!/\.(wasm|js)$/.test(name)) continue;
    const bytes = await readFile(path.join(dist, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

// Records, in the page, when a chart's bars first appear: performance.now() counts from
// the navigation's start.
const MARK_CHARTS = () => {
  const done = () => document.querySelector('[data-testid="new-orders-trend"] [data-testid="bar"]');
  new MutationObserver((_, observer) => {
    if (done() && window.__chartsAt === undefined) {
      window.__chartsAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

async function summaryLoads(browser, baseUrl, session) {
  const times = [];
  for (let i = 0; i < LOADS; i += 1) {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
    await context.addInitScript((s) => sessionStorage.setItem('seller-insights.session', s), JSON.stringify(session));
    await context.addInitScript(MARK_CHARTS);
    const page = await context.newPage();
    await page.goto('/summary');
    await page.waitForFunction(() => window.__chartsAt !== undefined, null, { timeout: 30_000 });
    times.push(await page.evaluate(() => window.__chartsAt));
    await context.close();
  }
  return times;
}

async function slicerChanges(browser, baseUrl, session) {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  await context.addInitScript((s) => sessionStorage.setItem('seller-insights.session', s), JSON.stringify(session));
  const page = await context.newPage();
  await page.goto('/orders-usage?type=orders&advanced=1');
  await page.getByTestId('top-markets').waitFor();
  const box = page.getByTestId('slicer-marketplaceLicenseType');
  await box.locator('summary').click();
  const first = box.locator('input[type="checkbox"]').first();
  const times = [];
  for (let i = 0; i < LOADS; i += 1) {
    // Toggle the first Marketplace License Type, press Go, and time until Panel B's
    // charts are drawn anew with other numbers.
    const before = await page.getByTestId('top-markets').locator('desc').textContent();
    await first.setChecked(i % 2 === 0);
    const elapsed = await page.evaluate(async (previous) => {
      const start = performance.now();
      document.querySelector('.slicer-form button[type="submit"]').click();
      return new Promise((resolve) => {
        const check = () => {
          const desc = document.querySelector('[data-testid="top-markets"] desc');
          if (desc && desc.textContent !== previous) {
            resolve(performance.now() - start);
            return true;
          }
          return false;
        };
        if (check()) return;
        const observer = new MutationObserver(() => {
          if (check()) observer.disconnect();
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      });
    }, before);
    times.push(elapsed);
  }
  await context.close();
  return times;
}

const portal = await startPortal({ fullDemo: !process.env.E2E_BENCH_SMALL });
const browser = await launchBrowser();
try {
  const session = await signInToApi(portal.baseUrl, 'admin@contoso.example', portal.password);
  const size = await bundleSize();
  // One warm-up load, as a returning user's browser would have the bundle compiled.
  await summaryLoads(browser, portal.baseUrl, session).catch(() => {});
  const summary = await summaryLoads(browser, portal.baseUrl, session);
  const slicer = await slicerChanges(browser, portal.baseUrl, session);
  const rows = [
    ['wasm + JS, gzip', `${(size.gzip / 1024).toFixed(1)} KB = ${size.gzip} bytes (raw ${(size.raw / 1024).toFixed(1)} KB; 1 KB = 1024 bytes here)`, `≤ ${LIMITS.bundleKb} KB`, size.gzip / 1024 <= LIMITS.bundleKb],
    ['Summary charts drawn, median of 10', `${median(summary).toFixed(0)} ms (${summary.map((t) => t.toFixed(0)).join(', ')})`, `≤ ${LIMITS.summaryMs} ms`, median(summary) <= LIMITS.summaryMs],
    ['slicer change to charts redrawn, median of 10', `${median(slicer).toFixed(0)} ms (${slicer.map((t) => t.toFixed(0)).join(', ')})`, `≤ ${LIMITS.slicerMs} ms`, median(slicer) <= LIMITS.slicerMs],
  ];
  for (const [what, value, limit, ok] of rows) {
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${value}  (limit ${limit})`);
  }
  process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
} finally {
  await browser.close();
  await portal.stop();
}
