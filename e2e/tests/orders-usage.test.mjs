// The Orders and Usage page as a seller uses it: slice, read the monthly and trend
// views, filter, sort and page the detail grid, download it, drill into a customer.
// Every number on screen is checked against the API for the same query.

import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { csvRowCount, getCustomer, getDetails, getMonthly, getOptions, getTrend, signInToApi } from '../lib/api.mjs';
import { barsOf, downloadVia, expectAccessible, expectGrid, gridColumn, near, seriesOf, signIn } from '../lib/app.mjs';
import { eventually, launchBrowser, newPage, screenshot, screenshotDir } from '../lib/browser.mjs';
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

/** Waits until Panel B shows the monthly report's numbers. */
async function expectMonthlyShows(report) {
  await eventually(async () => {
    const total = await page.getByTestId('activity-total').getAttribute('data-value', { timeout: 1000 });
    near(Number(total), report.total, 'total in the period');
    const markets = await barsOf(page, 'top-markets');
    assert.deepEqual(
      markets.map(([label]) => label),
      report.topMarkets.map((c) => c.key),
      'top markets in order',
    );
  });
  const markets = await barsOf(page, 'top-markets');
  markets.forEach(([, value], i) => near(value, report.topMarkets[i].value, `market ${markets[i][0]}`));
  near(
    markets.reduce((sum, [, value]) => sum + value, 0),
    report.total,
    'top 10 markets plus Other add up to the total',
  );
  const offerTypes = await barsOf(page, 'top-offer-types');
  assert.deepEqual(offerTypes.map(([label]) => label), report.topOfferTypes.map((c) => c.key), 'offer types');
  const channels = await page
    .getByTestId('channel-summary')
    .locator('[data-testid="channel-row"]')
    .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-label'), Number(r.getAttribute('data-value'))]));
  assert.deepEqual(
    channels.map(([c]) => c),
    report.byChannel.map((c) => c.channel),
    'every channel listed',
  );
  channels.forEach(([c, v], i) => near(v, report.byChannel[i].total, `channel ${c}`));
}

test('the Orders monthly view shows the API numbers for the default period', { timeout: TEST_TIMEOUT }, async () => {
  await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Orders and Usage' }).click();
  await page.waitForURL((url) => url.pathname === '/orders-usage');
  const report = await getMonthly(portal.baseUrl, token, 'orders');
  assert.ok(report.total > 0, 'the demo data has orders in the default period');
  await expectMonthlyShows(report);
  await page.getByTestId('data-as-of').waitFor();
  await screenshot(page, 'orders-monthly');
});

test('slicers from Advanced Filter and Go narrow every panel, kept in the URL and after a reload', { timeout: TEST_TIMEOUT }, async () => {
  const options = await getOptions(portal.baseUrl, token, 'orders');
  assert.ok(options.marketplaceLicenseType.length > 1, 'more than one marketplace license type in the period');
  const chosenType = options.marketplaceLicenseType[0].value;
  const chosenOffers = options.offerType.slice(0, 2).map((o) => o.value);

  await page.getByRole('button', { name: /Advanced Filter/ }).click();
  await page.getByTestId('slicer-marketplaceLicenseType').locator('summary').click();
  await page.getByTestId('slicer-marketplaceLicenseType').getByLabel(options.marketplaceLicenseType[0].label, { exact: true }).check();
  await page.getByTestId('slicer-offerType').locator('summary').click();
  for (const o of options.offerType.slice(0, 2)) {
    await page.getByTestId('slicer-offerType').getByLabel(o.label, { exact: true }).check();
  }
  await page.getByRole('button', { name: 'Go', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('marketplaceLicenseType') === chosenType);
  assert.equal(new URL(page.url()).searchParams.get('offerType'), chosenOffers.join(','));

  const params = [
    ['marketplaceLicenseType', chosenType],
    ['offerType', chosenOffers.join(',')],
  ];
  const report = await getMonthly(portal.baseUrl, token, 'orders', params);
  await expectMonthlyShows(report);

  // The grid honours the slicers too.
  const details = await getDetails(portal.baseUrl, token, 'orders', [...params, ['total', 'true']]);
  await expectGrid(
    page,
    'detail-grid',
    'MarketplaceSubscriptionId',
    details.rows.map((r) => r.marketplaceSubscriptionId),
    details.total,
  );

  await page.reload();
  await expectMonthlyShows(report);
  await screenshot(page, 'orders-sliced');
});

test('the trend view: Top 10 bars plus Other add up to the total, All shows every category, + opens the data', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto('/orders-usage?type=orders');
  await page.getByRole('button', { name: 'Trend View' }).click();
  await page.waitForURL((url) => url.searchParams.get('view') === 'trend');
  const trend = await getTrend(portal.baseUrl, token, 'orders', [['top', '10']]);
  const total = trend.monthTotals.reduce((a, b) => a + b, 0);
  await eventually(async () => {
    near(Number(await page.getByTestId('trend-total').getAttribute('data-value', { timeout: 1000 })), total, 'trend total');
  });
  for (const area of trend.areas) {
    const shown = await seriesOf(page, `trend-${area.subject}`);
    assert.deepEqual(shown.map(([k]) => k), area.series.map((s) => s.key), `${area.subject} categories`);
    near(shown.reduce((sum, [, v]) => sum + v, 0), total, `${area.subject}: bars plus Other equal the total`);
    assert.ok(shown.length <= 11, `${area.subject}: at most 10 categories and Other`);
  }
  const market = trend.areas.find((a) => a.subject === 'market');
  assert.ok(market.series.some((s) => s.other), 'the market chart has an Other row with the demo data');

  // A bar's value shows on keyboard focus, not only on hover.
  const firstBar = page.getByTestId('trend-market').locator('[data-testid="bar"]').first();
  await firstBar.focus();
  const tip = firstBar.locator('.bar-tip');
  assert.equal(await tip.evaluate((el) => getComputedStyle(el).visibility), 'visible', 'value shown on focus');
  assert.match(await firstBar.getAttribute('aria-label'), /\d/, 'the bar is named with its value');

  // "+" opens the table behind the chart.
  await page.getByTestId('trend-plus-market').click();
  const rows = page.getByTestId('trend-table-market').locator('tbody tr');
  assert.equal(await rows.count(), market.series.length, 'the table has a row per category');
  await screenshot(page, 'orders-trend');
  await expectAccessible(page, 'orders trend view');

  await page.getByTestId('top-n').getByText('All', { exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('top') === 'all');
  const all = await getTrend(portal.baseUrl, token, 'orders', [['top', 'all']]);
  const allMarkets = all.areas.find((a) => a.subject === 'market');
  await eventually(async () => {
    const shown = await seriesOf(page, 'trend-market');
    assert.deepEqual(shown.map(([k]) => k), allMarkets.series.map((s) => s.key), 'every market with All');
  });

  // Subject areas: only Market and Offer Type.
  await page.getByTestId('slicer-subject').locator('summary').click();
  await page.getByTestId('slicer-subject').getByLabel('Market', { exact: true }).check();
  await page.getByTestId('slicer-subject').getByLabel('Offer Type', { exact: true }).check();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('subject') === 'market,offerType');
  await eventually(async () => {
    assert.equal(await page.locator('[data-testid^="trend-card-"]').count(), 2, 'two subject areas shown');
  });
});

test('the detail grid: a filter, a sort and a page change give the API rows; Back returns', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto('/orders-usage?type=orders');
  const base = await getDetails(portal.baseUrl, token, 'orders', [['total', 'true']]);
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', base.rows.map((r) => r.marketplaceSubscriptionId), base.total);

  // Filter: Offer Type any of the first offer type present.
  const offerType = base.rows[0].offerType;
  await page.getByTestId('filter-OfferType').locator('summary').click();
  await page.getByTestId('filter-OfferType').getByLabel(offerType, { exact: true }).check();
  await page.getByTestId('filter-OfferType').getByRole('button', { name: 'Apply filter' }).click();
  await page.waitForURL((url) => url.searchParams.getAll('filter').includes(`OfferType:in:${offerType}`));
  const filter = ['filter', `OfferType:in:${offerType}`];
  const filtered = await getDetails(portal.baseUrl, token, 'orders', [filter, ['total', 'true']]);
  assert.ok(filtered.total < base.total, 'the filter narrows the rows');
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', filtered.rows.map((r) => r.marketplaceSubscriptionId), filtered.total);

  // Sort by quantity, descending (two clicks).
  await page.getByTestId('sort-OrderQuantity').click();
  await page.waitForURL((url) => url.searchParams.get('sort') === 'OrderQuantity');
  await page.getByTestId('sort-OrderQuantity').click();
  await page.waitForURL((url) => url.searchParams.get('sort') === '-OrderQuantity');
  const sorted = await getDetails(portal.baseUrl, token, 'orders', [filter, ['sort', '-OrderQuantity'], ['total', 'true']]);
  await expectGrid(page, 'detail-grid', 'OrderQuantity', sorted.rows.map((r) => String(r.orderQuantity)), sorted.total);
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', sorted.rows.map((r) => r.marketplaceSubscriptionId));

  // 10 rows a page, then the next page, then back.
  await page.getByTestId('page-size').selectOption('10');
  await page.waitForURL((url) => url.searchParams.get('pageSize') === '10');
  const first = await getDetails(portal.baseUrl, token, 'orders', [filter, ['sort', '-OrderQuantity'], ['pageSize', '10']]);
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', first.rows.map((r) => r.marketplaceSubscriptionId));
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  const second = await getDetails(portal.baseUrl, token, 'orders', [
    filter,
    ['sort', '-OrderQuantity'],
    ['pageSize', '10'],
    ['cursor', first.nextCursor],
  ]);
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', second.rows.map((r) => r.marketplaceSubscriptionId));
  assert.equal(new URL(page.url()).searchParams.getAll('cursor').length, 1);

  // A reload shows the same page.
  await page.reload();
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', second.rows.map((r) => r.marketplaceSubscriptionId));
  await screenshot(page, 'orders-grid');

  await page.getByRole('button', { name: 'Previous', exact: true }).click();
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', first.rows.map((r) => r.marketplaceSubscriptionId));
  // Back goes to the second page again, Forward to the first.
  await page.goBack();
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', second.rows.map((r) => r.marketplaceSubscriptionId));
  await page.goForward();
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', first.rows.map((r) => r.marketplaceSubscriptionId));

  // With a filter menu open, the page is still accessible.
  await page.getByTestId('filter-OrderQuantity').locator('summary').click();
  await expectAccessible(page, 'orders grid with a filter menu open');
  await page.getByTestId('filter-OrderQuantity').locator('summary').click();
});

test('CSV and Excel downloads hold every row of the filtered result', { timeout: TEST_TIMEOUT }, async () => {
  const filter = 'OrderQuantity:ge:2';
  await page.goto(`/orders-usage?type=orders&filter=${encodeURIComponent(filter)}&pageSize=10`);
  const expected = await getDetails(portal.baseUrl, token, 'orders', [['filter', filter], ['total', 'true'], ['pageSize', '10']]);
  assert.ok(expected.total > 10, 'more rows than one page');
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', expected.rows.map((r) => r.marketplaceSubscriptionId), expected.total);

  const csv = await downloadVia(page, page.getByTestId('download-csv'));
  assert.match(csv.name, /\.csv$/);
  assert.equal(csvRowCount(csv.bytes.toString('utf8')), expected.total, 'CSV rows = filtered total');
  assert.match(csv.bytes.toString('utf8').split('\n')[0], /OrderQuantity/, 'dictionary column names in the header');

  const xlsx = await downloadVia(page, page.getByTestId('download-xlsx'));
  assert.match(xlsx.name, /\.xlsx$/);
  assert.equal(xlsxRowCount(xlsx.bytes), expected.total, 'Excel rows = filtered total');
});

test('a subscription ID opens the Customer tab on its customer; BYOL IDs are plain text', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto('/orders-usage?type=orders&filter=MarketplaceLicenseType%3Ain%3ABilled%20Through%20Azure');
  const paid = await getDetails(portal.baseUrl, token, 'orders', [['filter', 'MarketplaceLicenseType:in:Billed Through Azure']]);
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', paid.rows.map((r) => r.marketplaceSubscriptionId));
  const row = paid.rows[0];
  await page.getByTestId('detail-grid').locator('[data-testid="subscription-link"]').first().click();
  await page.waitForURL((url) => url.pathname === '/customer' && url.searchParams.get('customerId') === row.customerId);
  const customer = await getCustomer(portal.baseUrl, token, row.customerId);
  await eventually(async () => {
    assert.equal(await page.getByTestId('customer-view').getAttribute('data-customer-id', { timeout: 1000 }), row.customerId);
  });
  assert.equal(Number(await page.getByTestId('customer-order-count').getAttribute('data-value')), customer.orderCount);
  assert.equal(await page.locator('[data-testid="customer-subscription"]').count(), customer.subscriptions.length);
  await screenshot(page, 'customer-view');
  await expectAccessible(page, 'customer view');
  await page.goBack();
  await page.waitForURL((url) => url.pathname === '/orders-usage');

  await page.goto('/orders-usage?type=orders&filter=MarketplaceLicenseType%3Ain%3ABring%20Your%20Own%20License');
  const byol = await getDetails(portal.baseUrl, token, 'orders', [['filter', 'MarketplaceLicenseType:in:Bring Your Own License']]);
  assert.ok(byol.rows.length > 0, 'the demo data has BYOL orders');
  assert.ok(byol.rows.every((r) => r.marketplaceSubscriptionId.startsWith('byol-')), 'BYOL IDs come hashed');
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', byol.rows.map((r) => r.marketplaceSubscriptionId));
  assert.equal(await page.getByTestId('detail-grid').locator('[data-testid="subscription-link"]').count(), 0, 'no BYOL link');
});

test('Usage: the Raw switch shows raw hours, as the API reports them', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto('/orders-usage?type=orders');
  await page.getByTestId('report-type').getByText('Usage', { exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('type') === 'usage');
  const normalized = await getMonthly(portal.baseUrl, token, 'usage', [['measure', 'normalized']]);
  await expectMonthlyShows(normalized);
  await screenshot(page, 'usage-monthly');

  await page.getByTestId('usage-measure').getByText('Raw', { exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('measure') === 'raw');
  const raw = await getMonthly(portal.baseUrl, token, 'usage', [['measure', 'raw']]);
  assert.notEqual(raw.total, normalized.total, 'raw and normalized hours differ');
  await expectMonthlyShows(raw);
  const grid = await getDetails(portal.baseUrl, token, 'usage', [['total', 'true']]);
  await expectGrid(page, 'detail-grid', 'MarketplaceSubscriptionId', grid.rows.map((r) => r.marketplaceSubscriptionId), grid.total);
  await expectAccessible(page, 'usage monthly view');
});

test('at 1024 px the page fits the window (the grid scrolls inside its own box) and works by keyboard', { timeout: TEST_TIMEOUT }, async () => {
  await page.setViewportSize({ width: 1024, height: 800 });
  try {
    await page.goto('/orders-usage?type=orders&advanced=1');
    await page.getByTestId('top-markets').waitFor();
    await page.getByTestId('detail-grid').locator('[data-testid="grid-row"]').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 1024 px window`);
    await screenshot(page, 'orders-1024');

    // Keyboard only: open the Offer Type slicer, tick its first option, close it with
    // Escape, and Go.
    const slicer = page.getByTestId('slicer-offerType');
    await slicer.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await slicer.evaluate((d) => d.open), true, 'Enter opens the slicer');
    await slicer.locator('input[type="checkbox"]').first().focus();
    await page.keyboard.press('Space');
    const value = await slicer.locator('input[type="checkbox"]').first().getAttribute('value');
    await page.keyboard.press('Escape');
    assert.equal(await slicer.evaluate((d) => d.open), false, 'Escape closes the slicer');
    await page.getByRole('button', { name: 'Go', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('offerType') === value);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("numbers follow the reader's locale: a German reader sees German digit grouping", { timeout: TEST_TIMEOUT }, async () => {
  const context = await browser.newContext({ baseURL: portal.baseUrl, locale: 'de-DE', viewport: { width: 1280, height: 900 } });
  try {
    const german = await context.newPage();
    await signIn(german, ADMIN, portal.password);
    await german.goto('/orders-usage?type=usage&measure=normalized');
    const report = await getMonthly(portal.baseUrl, token, 'usage', [['measure', 'normalized']]);
    assert.ok(report.total >= 1000, 'usage hours in the thousands');
    const expected = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }).format(report.total);
    await eventually(async () => {
      assert.equal((await german.getByTestId('activity-total').textContent({ timeout: 1000 })).trim(), expected);
    });
  } finally {
    await context.close();
  }
});

test('loading and delayed-data states are distinct and visible', { timeout: TEST_TIMEOUT }, async () => {
  // A slow server: the panel says it is loading until the report arrives.
  const context = await browser.newContext({ baseURL: portal.baseUrl, viewport: { width: 1280, height: 900 } });
  try {
    const slow = await context.newPage();
    await signIn(slow, ADMIN, portal.password);
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    await slow.route('**/api/v1/reports/orders/monthly*', async (route) => {
      await held;
      await route.continue();
    });
    await slow.goto('/orders-usage?type=orders');
    await slow.getByTestId('monthly-view').getByTestId('loading').waitFor();
    assert.equal(await slow.getByTestId('activity-total').count(), 0, 'no numbers while loading');
    release();
    await slow.getByTestId('activity-total').waitFor();
    assert.equal(await slow.getByTestId('monthly-view').getByTestId('loading').count(), 0);
    assert.equal(await slow.getByTestId('delayed').count(), 0, 'fresh demo data is not delayed');
  } finally {
    await context.close();
  }

  // Three days later without new data, the page says the data may be delayed.
  const later = await browser.newContext({ baseURL: portal.baseUrl, viewport: { width: 1280, height: 900 } });
  try {
    await later.addInitScript(() => {
      const realNow = Date.now.bind(Date);
      Date.now = () => realNow() + 3 * 24 * 3600 * 1000;
    });
    const stale = await later.newPage();
    await signIn(stale, ADMIN, portal.password);
    await stale.goto('/orders-usage?type=orders');
    const notice = stale.getByTestId('delayed').first();
    await notice.waitFor();
    assert.match(await notice.textContent(), /delayed/);
    await stale.getByTestId('data-as-of').first().waitFor();
  } finally {
    await later.close();
  }
});

test('a slicer that matches nothing shows the empty state; a bad link shows the error state', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto('/orders-usage?type=orders&start=1990-01');
  await page.getByTestId('empty').first().waitFor();
  assert.equal((await page.getByTestId('empty').first().textContent()).trim(), 'No data for these filters');

  await page.goto('/orders-usage?type=orders&offerType=Nonsense');
  const error = page.getByTestId('error').first();
  await error.waitFor();
  assert.match(await error.textContent(), /Nonsense/);
  for (const name of ['orders-monthly', 'orders-trend', 'orders-grid', 'usage-monthly', 'customer-view']) {
    assert.ok((await stat(`${screenshotDir}/${name}.png`)).size > 0, `screenshot ${name}`);
  }
});
