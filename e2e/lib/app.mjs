// A user's steps shared by the page tests: signing in, reading charts and grids as the
// DOM contract (docs/contract-foundation.md, docs/contract-reports.md) exposes them, and
// the accessibility check.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';

import { eventually } from './browser.mjs';

const require = createRequire(import.meta.url);

/** Signs in through the form and waits for the Summary. */
export async function signIn(page, email, password) {
  await page.goto('/signin');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/summary');
}

/** The bars of a chart as [label, value] pairs, in the order drawn. */
export async function barsOf(page, chartTestId) {
  return page
    .getByTestId(chartTestId)
    .locator('[data-testid="bar"]')
    .evaluateAll((bars) => bars.map((bar) => [bar.getAttribute('data-label'), Number(bar.getAttribute('data-value'))]));
}

/** The series rows of a trend chart as [label, total] pairs. */
export async function seriesOf(page, chartTestId) {
  return page
    .getByTestId(chartTestId)
    .locator('[data-testid="series"]')
    .evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-label'), Number(row.getAttribute('data-value'))]));
}

/** The `data-value` of each cell of one column of a grid, top to bottom. */
export async function gridColumn(page, gridTestId, column) {
  return page
    .getByTestId(gridTestId)
    .locator(`tbody td[data-column="${column}"]`)
    .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-value')));
}

/** Waits until a grid's column shows exactly these values, and its total this count. */
export async function expectGrid(page, gridTestId, column, values, total) {
  await eventually(async () => {
    assert.deepEqual(await gridColumn(page, gridTestId, column), values, `${gridTestId} column ${column}`);
    if (total !== undefined) {
      const shown = await page.getByTestId('grid-total').getAttribute('data-value', { timeout: 1000 });
      assert.equal(Number(shown), total, `${gridTestId} total`);
    }
  });
}

/** Numbers equal to a cent (the page rounds nothing in data attributes, floats do). */
export function near(actual, expected, message) {
  assert.ok(Math.abs(actual - expected) < 0.01 + Math.abs(expected) * 1e-9, `${message}: ${actual} != ${expected}`);
}

/**
 * Runs axe-core on the page and fails on any serious or critical violation, listing
 * each with the elements it found.
 */
export async function expectAccessible(page, label) {
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: axe-core found serious or critical violations:\n${JSON.stringify(bad, null, 2)}`);
  return result;
}

/** Clicks `button` and returns the download's saved bytes and suggested file name. */
export async function downloadVia(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path) };
}
