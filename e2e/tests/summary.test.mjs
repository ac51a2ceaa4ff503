// The Summary page, as a publisher's administrator uses it: sign in, read the new orders,
// pick another period, reload. Every number on screen is checked against the API.

import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { addMonths, displayName, getSummary, signInToApi } from '../lib/api.mjs';
import { expectAccessible } from '../lib/app.mjs';
import { eventually, launchBrowser, newPage, screenshot } from '../lib/browser.mjs';
import { startPortal } from '../lib/server.mjs';

const ADMIN = 'admin@contoso.example';
const TEST_TIMEOUT = 90_000;

let portal;
let browser;
let apiSession;
let adminPage;

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

// --- a user's steps ---------------------------------------------------------------------

async function signIn(page, email, password) {
  await page.goto('/signin');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function landOnSummary(page) {
  await page.waitForURL((url) => url.pathname === '/summary');
}

/** The administrator's Summary page: the one test (a) signed in with, or a new sign-in. */
async function adminSummaryPage() {
  if (!adminPage) {
    const page = await newPage(browser, portal.baseUrl);
    await signIn(page, ADMIN, portal.password);
    await landOnSummary(page);
    adminPage = page;
  }
  return adminPage;
}

/** The bars of a chart as { label: value }, in the order drawn. */
async function barsOf(page, chartTestId) {
  return page
    .getByTestId(chartTestId)
    .locator('[data-testid="bar"]')
    .evaluateAll((bars) => bars.map((bar) => [bar.getAttribute('data-label'), Number(bar.getAttribute('data-value'))]));
}

/** Waits until the Summary shows exactly the report's numbers. */
async function expectSummaryShows(page, report) {
  const trend = report.newOrdersTrend.map((m) => [m.month, m.newOrders]);
  const total = report.newOrdersTrend.reduce((sum, m) => sum + m.newOrders, 0);
  const byChannel = Object.fromEntries(report.newOrdersByChannel.map((c) => [c.channel, c.newOrders]));
  const byOfferType = Object.fromEntries(report.newOrdersByOfferType.map((o) => [o.offerType, o.newOrders]));

  await eventually(async () => {
    assert.deepEqual(await barsOf(page, 'new-orders-trend'), trend, 'new orders trend (label, value) per month');
    const shownTotal = await page.getByTestId('new-orders-total').getAttribute('data-value');
    assert.equal(Number(shownTotal), total, 'new orders total');
  });
  // The trend decides when the page has caught up; the rest of the report arrived with it.
  assert.deepEqual(Object.fromEntries(await barsOf(page, 'new-orders-by-channel')), byChannel, 'by channel');
  assert.deepEqual(Object.fromEntries(await barsOf(page, 'new-orders-by-offer-type')), byOfferType, 'by offer type');
  assert.ok((await page.getByTestId('new-orders-trend').locator('title').count()) > 0, 'the trend chart has a <title>');
}

// --- tests --------------------------------------------------------------------------------

test('an administrator signs in and lands on the Summary, their name shown', { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser, portal.baseUrl);
  await signIn(page, ADMIN, portal.password);
  await landOnSummary(page);

  const name = displayName(apiSession.user);
  await eventually(async () => {
    assert.equal((await page.getByTestId('user-name').textContent())?.trim(), name);
  });
  adminPage = page;
});

test('the Summary shows the same new orders as the API, and their total', { timeout: TEST_TIMEOUT }, async () => {
  const page = await adminSummaryPage();
  const report = await getSummary(portal.baseUrl, apiSession.accessToken);
  assert.equal(report.newOrdersTrend.length, 3, 'the API reports three months');

  await expectSummaryShows(page, report);
});

test('choosing another start month shows that period, keeps it in the URL and after a reload', { timeout: TEST_TIMEOUT }, async () => {
  const page = await adminSummaryPage();
  const shown = await getSummary(portal.baseUrl, apiSession.accessToken);
  const earlier = addMonths(shown.filters.start, -3);
  const expected = await getSummary(portal.baseUrl, apiSession.accessToken, earlier);
  assert.equal(expected.filters.start, earlier);
  assert.ok(expected.newOrdersTrend.some((m) => m.newOrders > 0), `the demo data has orders from ${earlier}`);

  await page.locator('#start-month').fill(earlier);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/summary' && url.searchParams.get('start') === earlier);
  await expectSummaryShows(page, expected);

  await page.reload();
  await expectSummaryShows(page, expected);
  assert.equal(new URL(page.url()).searchParams.get('start'), earlier);
  assert.equal(await page.locator('#start-month').inputValue(), earlier, 'the month input shows the period from the URL');
});

test('a wrong password shows an error and stays on the sign-in page', { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser, portal.baseUrl);
  try {
    await signIn(page, ADMIN, 'not-the-password');

    const alert = page.getByRole('alert').filter({ hasText: /\S/ });
    await alert.waitFor();
    assert.notEqual((await alert.textContent()).trim(), '');
    assert.equal(new URL(page.url()).pathname, '/signin');
  } finally {
    await page.context().close();
  }
});

test('a screenshot of the Summary page is saved to e2e/screenshots/summary.png', { timeout: TEST_TIMEOUT }, async () => {
  const page = await adminSummaryPage();
  const start = new URL(page.url()).searchParams.get('start') ?? undefined;
  await expectSummaryShows(page, await getSummary(portal.baseUrl, apiSession.accessToken, start));

  const file = await screenshot(page, 'summary');
  assert.ok((await stat(file)).size > 0, `${file} is not empty`);
});

test('the Top 5 panel switches between Markets, Performing Offers and Customers, as the API ranks them', { timeout: TEST_TIMEOUT }, async () => {
  const page = await adminSummaryPage();
  await page.goto('/summary');
  const report = await getSummary(portal.baseUrl, apiSession.accessToken);
  const lists = { markets: report.topMarkets, offers: report.topOffers, customers: report.topCustomers };
  for (const [choice, label] of [
    ['offers', 'Performing Offers'],
    ['customers', 'Customers'],
    ['markets', 'Markets'],
  ]) {
    await page.getByTestId('top-five-panel').getByText(label, { exact: true }).click();
    await eventually(async () => {
      const bars = await barsOf(page, 'top-five');
      assert.deepEqual(bars, lists[choice].map((c) => [c.key, c.value]), `top 5 ${choice}`);
    });
    const top = new URL(page.url()).searchParams.get('top');
    assert.equal(top ?? 'markets', choice, 'the choice is in the URL');
    assert.ok(lists[choice].length <= 5);
  }
});

test('the Payout trend panel shows for a publisher with paid offers, with the API amounts', { timeout: TEST_TIMEOUT }, async () => {
  const page = await adminSummaryPage();
  await page.goto('/summary');
  const report = await getSummary(portal.baseUrl, apiSession.accessToken);
  if (report.payoutTrend) {
    await eventually(async () => {
      const bars = await barsOf(page, 'payout-trend');
      assert.deepEqual(
        bars.map(([m]) => m),
        report.payoutTrend.map((p) => p.month),
      );
      bars.forEach(([, v], i) => assert.ok(Math.abs(v - Number(report.payoutTrend[i].earningAmountUsd)) < 0.005));
    });
  } else {
    await page.getByTestId('new-orders-trend').waitFor();
    assert.equal(await page.getByTestId('payout-panel').count(), 0, 'no payout panel without paid offers');
  }
  // The analyst has no Payouts permission: the API leaves the trend out, and so does the page.
  const analyst = await newPage(browser, portal.baseUrl);
  try {
    await signIn(analyst, 'analyst@contoso.example', portal.password);
    await landOnSummary(analyst);
    await analyst.getByTestId('new-orders-trend').waitFor();
    assert.equal(await analyst.getByTestId('payout-panel').count(), 0, 'no payout panel without the Payouts permission');
  } finally {
    await analyst.context().close();
  }
  await screenshot(page, 'summary-full');
  await expectAccessible(page, 'summary page');
});
