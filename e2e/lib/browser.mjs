// Debian's Chromium driven by playwright-core (no downloaded browsers), and the small
// waiting helpers the tests use instead of sleeps.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { repoRoot } from './server.mjs';

export const screenshotDir = path.join(repoRoot, 'e2e', 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches headless Chromium (CHROMIUM_BIN overrides /usr/bin/chromium). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A new page in its own browser context (its own storage, so its own session), with
 * uncaught page errors and console errors echoed to the test output: a panic in the
 * wasm app shows up there.
 */
export async function newPage(browser, baseUrl) {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[browser] page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[browser] console error: ${message.text()}`);
  });
  return page;
}

/** Writes a full-page screenshot to e2e/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Retries `check` (which throws, typically an assertion) until it passes or `timeout` ms
 * pass, then rethrows its last error: the page reaches a state when it reaches it, and a
 * failure shows what the page showed last rather than "timed out".
 */
export async function eventually(check, { timeout = 15_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
