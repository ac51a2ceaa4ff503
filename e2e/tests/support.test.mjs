// Help, as a seller lives it: Contact Us at the foot of the page opens Start Request,
// the helpful links come first, the form is prefilled from the account, a screenshot is
// attached, the confirmation gives the request number, "My requests" lists it, and the
// operator's reply sent with `portal support reply` shows up in the conversation. Then
// feedback from the smiley, the glossary a column header links to, and the privacy
// policy. The API is asked the same questions.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { getBytes, getJson, signInToApi } from '../lib/api.mjs';
import { expectAccessible, signIn } from '../lib/app.mjs';
import { eventually, launchBrowser, newPage, screenshot } from '../lib/browser.mjs';
import { startPortal } from '../lib/server.mjs';

const ADMIN = 'admin@contoso.example';
const TITLE = 'New orders in the Summary look low';
const REPLY = 'Thanks for the screenshot. Which offer do you mean?';

let portal;
let browser;

before(
  async () => {
    portal = await startPortal();
    browser = await launchBrowser();
  },
  { timeout: 600_000 },
);

after(async () => {
  await browser?.close();
  await portal?.stop();
});

test(
  'a seller files a request with a screenshot and reads the operator\'s reply',
  { timeout: 180_000 },
  async () => {
    const page = await newPage(browser, portal.baseUrl);
    await signIn(page, ADMIN, portal.password);
    const shot = await screenshot(page, 'support-attachment-summary');
    const shotBytes = await readFile(shot);

    // Contact Us, at the foot of every page, opens Start Request with helpful links first.
    await page.getByTestId('contact-us').click();
    await page.waitForURL((url) => url.pathname === '/help/support');
    assert.equal(await page.getByLabel('Problem type').inputValue(), 'reportsAndInsights');
    const reportLinks = await page.getByTestId('helpful-links').getByRole('link').allTextContents();
    assert.ok(reportLinks.some((l) => l.startsWith('Glossary')), reportLinks.join(' | '));
    await page.getByLabel('Other').check();
    await eventually(async () => {
      const links = await page.getByTestId('helpful-links').getByRole('link').allTextContents();
      assert.ok(links.includes('Privacy policy'), links.join(' | '));
    });
    await page.getByLabel('Questions related to reports').check();
    await page.waitForURL((url) => url.searchParams.get('category') === 'reportQuestions');
    await expectAccessible(page, 'Start Request');
    await screenshot(page, 'support-start');
    await page.getByTestId('start-request').click();

    // The form: contact details from the account, then the question and the screenshot.
    const form = page.getByTestId('support-form');
    await form.waitFor();
    assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), ADMIN);
    assert.notEqual(await page.getByLabel('Name', { exact: true }).inputValue(), '');
    assert.notEqual(await page.getByLabel('Time zone').inputValue(), '');
    assert.notEqual(await page.getByLabel('Language').inputValue(), '');
    await page.getByLabel('Country or region').fill('US');
    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Description').fill('March shows fewer new orders than our billing system.');
    await page.getByLabel('Attachments (optional)').setInputFiles(shot);
    await expectAccessible(page, 'Support form');
    await screenshot(page, 'support-form');
    await page.getByTestId('submit-request').click();

    const confirmation = page.getByTestId('request-confirmation');
    await confirmation.waitFor();
    const number = (await confirmation.getByTestId('request-number').textContent()).trim();
    assert.match(number, /^SR-\d{6}$/);
    await screenshot(page, 'support-confirmation');

    // The API has the request, with the screenshot recognised as a PNG, byte for byte.
    const { accessToken } = await signInToApi(portal.baseUrl, ADMIN, portal.password);
    const filed = await getJson(portal.baseUrl, accessToken, `/api/v1/support-requests/${number}`);
    assert.equal(filed.title, TITLE);
    assert.equal(filed.status, 'new');
    assert.equal(filed.contact.region, 'US');
    const [file] = filed.messages[0].attachments;
    assert.equal(file.mediaType, 'image/png');
    assert.equal(file.size, shotBytes.length);
    assert.equal(file.sha256, createHash('sha256').update(shotBytes).digest('hex'));
    const download = await getBytes(
      portal.baseUrl,
      accessToken,
      `/api/v1/support-requests/${number}/attachments/${file.id}`,
    );
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
    assert.match(download.headers.get('content-disposition'), /^attachment/);
    assert.ok(download.bytes.equals(shotBytes));

    // "My requests" lists it as New.
    await page.getByRole('link', { name: 'My requests' }).first().click();
    const row = page.getByTestId('requests-table').locator(`tr[data-number="${number}"]`);
    await row.waitFor();
    assert.equal((await row.getByTestId('request-status').textContent()).trim(), 'New');
    assert.ok((await row.textContent()).includes(TITLE));
    await expectAccessible(page, 'My requests');
    await screenshot(page, 'support-my-requests');

    // The operator answers from the command line.
    const listed = await portal.cli(['support', 'list', '--status', 'new']);
    assert.ok(listed.includes(number) && listed.includes(TITLE), listed);
    const replied = await portal.cli([
      'support', 'reply', number, '--message', REPLY, '--status', 'waiting-for-you',
    ]);
    assert.match(replied, new RegExp(`Replied to ${number} \\(status: Waiting for you\\)`));
    const outbox = await portal.cli(['outbox', '--limit', '5']);
    assert.ok(outbox.includes(`[${number}] Support replied`), outbox);

    // The requester sees the reply and the new status.
    await page.reload();
    await eventually(async () => {
      assert.equal((await row.getByTestId('request-status').textContent()).trim(), 'Waiting for you');
    });
    await row.getByRole('link', { name: number }).click();
    const conversation = page.getByTestId('conversation');
    await eventually(async () => {
      const support = conversation.locator('li[data-author="support"]');
      assert.equal(await support.count(), 1);
      assert.ok((await support.textContent()).includes(REPLY));
    });
    assert.equal(await conversation.getByTestId('attachment').count(), 1);
    assert.equal(
      (await page.getByTestId('request-detail').getByTestId('request-status').textContent()).trim(),
      'Waiting for you',
    );

    // ...and answers it; the request is back in progress, and the operator can read it.
    await page.getByLabel('Your message').fill('The SaaS offer, orders from March 3rd on.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await eventually(async () => {
      assert.equal(await conversation.locator('li[data-author]').count(), 3);
      assert.equal(
        (await page.getByTestId('request-detail').getByTestId('request-status').textContent()).trim(),
        'In progress',
      );
    });
    await expectAccessible(page, 'Support request');
    await screenshot(page, 'support-conversation');
    const shown = await portal.cli(['support', 'show', number]);
    assert.ok(shown.includes('The SaaS offer, orders from March 3rd on.'), shown);
    assert.ok(shown.includes('[file] support-attachment-summary.png (image/png'), shown);
    await page.context().close();
  },
);

test('feedback from the smiley reaches the operator with the page it was given on', { timeout: 120_000 }, async () => {
  const page = await newPage(browser, portal.baseUrl);
  await signIn(page, ADMIN, portal.password);
  await page.getByTestId('feedback-button').click();
  const panel = page.getByTestId('feedback-panel');
  await panel.waitFor();
  await panel.getByLabel('Unhappy').check();
  await panel.getByLabel('Comment (optional)').fill('I miss a yearly view.');
  await expectAccessible(page, 'Feedback');
  await screenshot(page, 'support-feedback');
  await panel.getByRole('button', { name: 'Send' }).click();
  await panel.getByTestId('feedback-thanks').waitFor();
  const listed = await portal.cli(['feedback', 'list']);
  assert.match(listed, /unhappy .*I miss a yearly view\. {2}\[\/summary/);
  await page.context().close();
});

test('column headers link to the glossary, which is searchable; the privacy policy is in the footer', { timeout: 120_000 }, async () => {
  const page = await newPage(browser, portal.baseUrl);
  await signIn(page, ADMIN, portal.password);
  await page.goto('/orders-usage');
  const link = page.locator('a.term-link[href="/help/glossary#term-order-quantity"]').first();
  await link.waitFor({ timeout: 60_000 });
  await link.click();
  await page.waitForURL((url) => url.pathname === '/help/glossary' && url.hash === '#term-order-quantity');
  const term = page.locator('#term-order-quantity');
  await term.waitFor();
  assert.ok((await term.textContent()).includes('Order Quantity'));
  await eventually(async () => assert.ok(await term.isVisible() && (await term.boundingBox()).y < 900));

  const all = await page.locator('.glossary-term').count();
  await page.getByLabel('Search terms').fill('pay as you go');
  await eventually(async () => {
    const shown = await page.locator('.glossary-term').count();
    assert.ok(shown > 0 && shown < all, `${shown} of ${all}`);
    assert.equal(await page.locator('#term-azure-license-type').count(), 1);
  });
  assert.equal(new URL(page.url()).searchParams.get('q'), 'pay as you go');
  await expectAccessible(page, 'Glossary');
  await screenshot(page, 'support-glossary');

  await page.getByTestId('privacy-link').click();
  await page.waitForURL((url) => url.pathname === '/privacy');
  const policy = page.getByTestId('privacy-policy');
  await eventually(async () => assert.ok((await policy.textContent()).includes('run by its operator')));
  await expectAccessible(page, 'Privacy policy');
  await screenshot(page, 'support-privacy');
  await page.context().close();
});
