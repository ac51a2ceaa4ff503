// The License dashboard, as a publisher's administrator uses it: open Licenses, read the
// widgets, filter by a country, use each widget's "..." menu and Download data, point at
// the map. Every number on screen is checked against the API.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { signInToApi } from '../lib/api.mjs';
import { eventually, launchBrowser, newPage, screenshot } from '../lib/browser.mjs';
import { startPortal } from '../lib/server.mjs';

const ADMIN = 'admin@contoso.example';
const TEST_TIMEOUT = 90_000;
const LICENSE_COLUMNS =
  'CustomerCountry,CustomerCountryCode,CustomerName,ActivationDate,ProductDisplayName,ProductId,' +
  'PlanName,ServiceId,LicenseState,LicensesAssigned,LicensesProvisioned,OfferType,MonthStartDate,CustomerId';

let portal;
let browser;
let apiSession;
let page;

before(
  async () => {
    portal = await startPortal();
    browser = await launchBrowser();
    apiSession = await signInToApi(portal.baseUrl, ADMIN, portal.password);
  },
  { timeout: 180_000 },
);

after(async () => {
  await browser?.close();
  await portal?.stop();
});

/** GET /api/v1/reports/licenses/<widget> with the given filters. */
async function licenseApi(widget, params = {}) {
  const url = new URL(`/api/v1/reports/licenses/${widget}`, portal.baseUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${apiSession.accessToken}`, accept: 'application/json' },
  });
  assert.equal(response.status, 200, `${url}: ${await response.clone().text()}`);
  return response.json();
}

async function signIn(p) {
  await p.goto('/signin');
  await p.getByLabel('Email', { exact: true }).fill(ADMIN);
  await p.getByLabel('Password', { exact: true }).fill(portal.password);
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.waitForURL((url) => url.pathname === '/summary');
}

async function licensesPage() {
  if (!page) {
    page = await newPage(browser, portal.baseUrl);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.baseUrl });
    await signIn(page);
    await page.getByRole('link', { name: 'Licenses' }).first().click();
    await page.waitForURL((url) => url.pathname === '/licenses');
  }
  return page;
}

const value = async (p, testId) => Number(await p.getByTestId(testId).getAttribute('data-value'));

/** Waits until every widget shows the API's numbers for `params`. */
async function expectWidgetsShow(p, params) {
  const [customers, licenses, analysis, geography] = await Promise.all([
    licenseApi('customers', params),
    licenseApi('licenses', params),
    licenseApi('analysis', params),
    licenseApi('geography', params),
  ]);
  await eventually(async () => {
    assert.equal(await value(p, 'customers-current'), customers.current, 'customers now');
    assert.equal(await value(p, 'licenses-provisioned'), licenses.current.provisioned, 'provisioned now');
    assert.equal(await value(p, 'licenses-assigned'), licenses.current.assigned, 'assigned now');
    const rows = await p
      .getByTestId('analysis-row')
      .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-provisioned'))));
    assert.deepEqual(rows, analysis.rows.map((r) => r.provisioned), 'analysis rows');
    const geo = await p
      .getByTestId('geo-row')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-code'), Number(tr.getAttribute('data-provisioned'))]));
    assert.deepEqual(geo, geography.countries.map((c) => [c.countryCode, c.provisioned]), 'countries');
  });
  return { customers, licenses, analysis, geography };
}

test('the License dashboard shows the API numbers, its range and how fresh the data is', { timeout: TEST_TIMEOUT }, async () => {
  const p = await licensesPage();
  const { licenses } = await expectWidgetsShow(p, {});
  assert.ok(licenses.current.provisioned > 0, 'the demo data has licenses');
  await eventually(async () => {
    assert.match(await p.getByTestId('data-as-of').textContent(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    assert.match(await p.getByTestId('data-latency').textContent(), /48 hours/);
  });
});

test('filtering by the top country and 12 months changes every widget to the API numbers, kept in the URL', { timeout: TEST_TIMEOUT }, async () => {
  const p = await licensesPage();
  const top = (await licenseApi('geography', {})).countries[0].countryCode;

  await p.getByTestId('range').selectOption('last12m');
  await p.getByTestId('filter-country').locator('summary').click();
  await p.getByTestId('filter-country').locator(`input[value="${top}"]`).check();
  await p.getByTestId('apply-filters').click();
  await p.waitForURL((url) => url.searchParams.get('country') === top && url.searchParams.get('range') === 'last12m');
  const shown = await expectWidgetsShow(p, { range: 'last12m', country: top });
  assert.equal(shown.licenses.months.length, 12);

  await p.reload();
  await expectWidgetsShow(p, { range: 'last12m', country: top });

  await p.getByTestId('analysis-by-customers').click();
  await p.waitForURL((url) => url.searchParams.get('by') === 'customers');
  const byCustomers = await licenseApi('analysis', { range: 'last12m', country: top, by: 'customers' });
  await eventually(async () => {
    const rows = await p.getByTestId('analysis-row').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-provisioned'))));
    assert.deepEqual(rows, byCustomers.rows.map((r) => r.provisioned));
  });
});

test('a custom range from the date inputs drives the widgets and the URL', { timeout: TEST_TIMEOUT }, async () => {
  const p = await licensesPage();
  await p.goto('/licenses');
  const latest = (await licenseApi('licenses', {})).filters.to;
  const [y, m] = latest.split('-').map(Number);
  const back = (n) => {
    const d = new Date(Date.UTC(y, m - 1 - n, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const [from, to] = [back(4), back(2)];

  await p.getByTestId('range').selectOption('custom');
  await p.getByTestId('from').fill(from);
  await p.getByTestId('to').fill(to);
  await p.getByTestId('apply-filters').click();
  await p.waitForURL((url) => url.searchParams.get('from') === from && url.searchParams.get('to') === to);
  const shown = await expectWidgetsShow(p, { from, to });
  assert.equal(shown.licenses.months.length, 3);
  assert.equal(shown.licenses.current.month, to);
});

test('each widget menu copies the image and downloads its CSV and PDF; Download data gives the rows', { timeout: TEST_TIMEOUT }, async () => {
  const p = await licensesPage();
  for (const [widget, header] of [
    ['widget-customers', 'Month,Customers'],
    ['widget-licenses', 'Month,LicensesProvisioned,LicensesAssigned'],
    ['widget-analysis', ''],
    ['widget-geography', 'CustomerCountryCode,CustomerCountry,LicensesProvisioned'],
  ]) {
    const card = p.getByTestId(widget);

    await card.getByTestId('widget-menu').click();
    const [csv] = await Promise.all([p.waitForEvent('download'), card.getByTestId('download-csv').click()]);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    const csvText = await readFile(await csv.path(), 'utf8');
    assert.ok(csvText.startsWith(header), `${widget} CSV: ${csvText.slice(0, 80)}`);

    await card.getByTestId('widget-menu').click();
    const [pdf] = await Promise.all([p.waitForEvent('download'), card.getByTestId('download-pdf').click()]);
    assert.match(pdf.suggestedFilename(), /\.pdf$/);
    const pdfBytes = await readFile(await pdf.path());
    assert.equal(pdfBytes.subarray(0, 5).toString(), '%PDF-', `${widget} PDF`);

    await card.getByTestId('widget-menu').click();
    await card.getByTestId('copy-image').click();
    await eventually(async () => {
      assert.equal(await card.getByTestId('widget-status').textContent(), 'Image copied to the clipboard.');
    });
    const clip = await p.evaluate(async () => {
      const items = await navigator.clipboard.read();
      const blob = await items[0].getType('image/png');
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return { types: items[0].types, size: bytes.length, magic: Array.from(bytes.slice(1, 4)) };
    });
    assert.ok(clip.types.includes('image/png'), `${widget}: ${clip.types}`);
    assert.deepEqual(clip.magic, [0x50, 0x4e, 0x47], `${widget}: a PNG on the clipboard`);
  }

  const [rows] = await Promise.all([p.waitForEvent('download'), p.getByTestId('download-data').click()]);
  assert.match(rows.suggestedFilename(), /^licenses-.*\.csv$/);
  const text = await readFile(await rows.path(), 'utf8');
  assert.equal(text.split('\n')[0].trim(), LICENSE_COLUMNS);
  assert.ok(text.trim().split('\n').length > 1, 'the download has rows');
});

test('a range without licenses shows the empty state in every widget', { timeout: TEST_TIMEOUT }, async () => {
  const p = await licensesPage();
  await p.goto('/licenses?from=2001-01&to=2001-03');
  await eventually(async () => {
    assert.equal(await p.getByTestId('empty').count(), 4);
  });
  await p.goto('/licenses');
});

test('pointing at the top country on the map shows its licenses', { timeout: TEST_TIMEOUT }, async () => {
  const p = await licensesPage();
  await p.goto('/licenses');
  const top = (await licenseApi('geography', {})).countries[0];
  const country = p.locator(`[data-testid="map-country"][data-code="${top.countryCode}"]`);
  await country.hover();
  await eventually(async () => {
    const tip = await p.getByTestId('map-tooltip').textContent();
    assert.ok(tip.includes(top.country), tip);
    assert.ok(tip.includes(`${top.provisioned.toLocaleString('en-US')} provisioned`), tip);
  });
  await screenshot(p, 'licenses');
});
