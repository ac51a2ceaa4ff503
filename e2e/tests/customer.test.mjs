// The Customer page: slicers and dates, the summary by Marketplace License Type, the
// grid with filters, paging and downloads, and one customer's view, checked against
// the API.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { csvRowCount, getCustomer, getJson, signInToApi } from '../lib/api.mjs';
import { downloadVia, expectAccessible, expectGrid, signIn } from '../lib/app.mjs';
import { eventually, launchBrowser, newPage, screenshot } from '../lib/browser.mjs';
import { startPortal } from '../lib/server.mjs';
import { xlsxRowCount } from '../lib/xlsx.mjs';

const ADMIN = 'admin@contoso.example';
const TEST_TIMEOUT = 120_000;

let portal;
let browser;
let token;
let page;

before(
  async () => {
    portal = await startPortal();
    browser = await launchBrowser();
    token = (await signInToApi(portal.baseUrl, ADMIN, portal.password)).accessToken;
    page = await newPage(browser, portal.baseUrl);
    await signIn(page, ADMIN, portal.password);
  },
  { timeout: 180_000 },
);

after(async () => {
  await browser?.close();
  await portal?.stop();
});

const summaryOf = (params) => getJson(portal.baseUrl, token, '/api/v1/reports/customers/summary', params);
const detailsOf = (params) => getJson(portal.baseUrl, token, '/api/v1/reports/customers/details', params);

async function expectSummaryShows(summary) {
  await eventually(async () => {
    const total = await page.getByTestId('customers-total').getAttribute('data-value', { timeout: 1000 });
    assert.equal(Number(total), summary.totalActive, 'active customers');
  });
  const rows = await page
    .getByTestId('customer-summary')
    .locator('[data-testid="license-type-row"]')
    .evaluateAll((trs) =>
      trs.map((tr) => ({
        marketplaceLicenseType: tr.getAttribute('data-label'),
        active: Number(tr.getAttribute('data-active')),
        new: Number(tr.getAttribute('data-new')),
        lost: Number(tr.getAttribute('data-lost')),
      })),
    );
  assert.deepEqual(rows, summary.byMarketplaceLicenseType, 'the summary by Marketplace License Type');
}

test('the Customer tab shows the API summary and grid for the default period', { timeout: TEST_TIMEOUT }, async () => {
  await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Customer' }).click();
  await page.waitForURL((url) => url.pathname === '/customer');
  const summary = await summaryOf([]);
  assert.ok(summary.totalActive > 0, 'the demo data has customers');
  await expectSummaryShows(summary);
  const grid = await detailsOf([['total', 'true']]);
  await expectGrid(page, 'customer-grid', 'CustomerId', grid.rows.map((r) => r.customerId), grid.total);
  assert.equal(await page.locator('#from-date').inputValue(), summary.filters.from, 'the start date the server chose');
  assert.equal(await page.locator('#to-date').inputValue(), summary.filters.to, 'the end date the server chose');
  await screenshot(page, 'customer');
  await expectAccessible(page, 'customer page');
});

test('slicers and dates narrow the summary and the grid, and a reload keeps them', { timeout: TEST_TIMEOUT }, async () => {
  const shown = await summaryOf([]);
  const from = `${Number(shown.filters.to.slice(0, 4)) - 1}-07-01`;
  const to = shown.filters.to;
  await page.getByTestId('slicer-marketplaceLicenseType').locator('summary').click();
  await page.getByTestId('slicer-marketplaceLicenseType').getByLabel('Billed Through Azure', { exact: true }).check();
  await page.locator('#from-date').fill(from);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('marketplaceLicenseType') === 'Billed Through Azure' && url.searchParams.get('from') === from);
  const params = [
    ['from', from],
    ['to', to],
    ['marketplaceLicenseType', 'Billed Through Azure'],
  ];
  const summary = await summaryOf(params);
  await expectSummaryShows(summary);
  const grid = await detailsOf([...params, ['total', 'true']]);
  await expectGrid(page, 'customer-grid', 'CustomerId', grid.rows.map((r) => r.customerId), grid.total);
  await page.reload();
  await expectSummaryShows(summary);
  await expectGrid(page, 'customer-grid', 'CustomerId', grid.rows.map((r) => r.customerId), grid.total);
});

test('the customer grid: a text filter, a sort, paging and both downloads match the API', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto('/customer');
  const first = await detailsOf([['pageSize', '50']]);
  const country = first.rows[0].customerCountryRegion;
  await page.getByTestId('filter-CustomerCountryRegion').locator('summary').click();
  await page.getByTestId('filter-CustomerCountryRegion').getByLabel('Value', { exact: true }).fill(country);
  await page.getByTestId('filter-CustomerCountryRegion').getByRole('button', { name: 'Apply filter' }).click();
  const filter = ['filter', `CustomerCountryRegion:in:${country}`];
  await page.waitForURL((url) => url.searchParams.getAll('filter').includes(filter[1]));
  await page.getByTestId('sort-CustomerId').click();
  await page.waitForURL((url) => url.searchParams.get('sort') === 'CustomerId');
  await page.getByTestId('page-size').selectOption('10');
  const expected = await detailsOf([filter, ['sort', 'CustomerId'], ['pageSize', '10'], ['total', 'true']]);
  await expectGrid(page, 'customer-grid', 'CustomerId', expected.rows.map((r) => r.customerId), expected.total);
  if (expected.nextCursor) {
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    const next = await detailsOf([filter, ['sort', 'CustomerId'], ['pageSize', '10'], ['cursor', expected.nextCursor]]);
    await expectGrid(page, 'customer-grid', 'CustomerId', next.rows.map((r) => r.customerId));
  }

  const csv = await downloadVia(page, page.getByTestId('download-csv'));
  assert.equal(csvRowCount(csv.bytes.toString('utf8')), expected.total, 'CSV rows = filtered total');
  const xlsx = await downloadVia(page, page.getByTestId('download-xlsx'));
  assert.equal(xlsxRowCount(xlsx.bytes), expected.total, 'Excel rows = filtered total');
});

test("a customer's own view: profile, subscriptions, orders and a download", { timeout: TEST_TIMEOUT }, async () => {
  await page.goto('/customer');
  const grid = await detailsOf([['filter', 'MarketplaceLicenseType:in:Billed Through Azure']]);
  const customerId = grid.rows[0].customerId;
  await page.goto(`/customer?customerId=${encodeURIComponent(customerId)}`);
  const customer = await getCustomer(portal.baseUrl, token, customerId);
  await eventually(async () => {
    assert.equal(await page.getByTestId('customer-view').getAttribute('data-customer-id', { timeout: 1000 }), customerId);
  });
  assert.equal(await page.locator('[data-testid="customer-subscription"]').count(), customer.subscriptions.length);
  assert.equal(
    await page.locator('[data-testid="customer-order"]').count(),
    Math.min(customer.orders.length, 50),
    'orders listed',
  );
  await page.getByTestId('customer-profile').waitFor();
  const csv = await downloadVia(page, page.getByTestId('customer-download-csv'));
  assert.equal(csvRowCount(csv.bytes.toString('utf8')), customer.subscriptions.length, "the customer's subscriptions");
  await page.getByRole('link', { name: /All customers/ }).click();
  await page.waitForURL((url) => url.pathname === '/customer' && !url.searchParams.has('customerId'));
  await page.getByTestId('customer-summary').waitFor();
});
