// Accounts, as a new publisher lives them: the operator onboards the publisher from the
// command line, its Administrator accepts the invitation from the outbox, adds a User
// with only the Orders permission through the wizard, and that User signs in and sees
// only what Orders allows. The API is asked the same questions.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signInToApi } from '../lib/api.mjs';
import { eventually, launchBrowser, newPage, screenshot } from '../lib/browser.mjs';
import { startPortal } from '../lib/server.mjs';

const ADMIN = 'boss@adventureworks.example';
const USER = 'pat@adventureworks.example';
const ADMIN_PASSWORD = 'violet mango ferry lantern';
const USER_PASSWORD = 'orders are my whole world';

let portal;
let browser;

before(
  async () => {
    portal = await startPortal();
    browser = await launchBrowser();
  },
  { timeout: 180_000 },
);

after(async () => {
  await browser?.close();
  await portal?.stop();
});

/** The newest mail to `to` in `portal outbox`, as printed. */
async function newestMail(to) {
  const outbox = await portal.cli(['outbox', '--limit', '20']);
  const mail = outbox.split(/^=+$/m).find((m) => m.includes(`To:      ${to}`));
  assert.ok(mail, `a mail to ${to} in the outbox:\n${outbox}`);
  return mail;
}

/** The link to `page` (accept-invitation, reset-password) in the newest mail to `to`. */
async function mailedLink(to, page) {
  const mail = await newestMail(to);
  const found = mail.match(new RegExp(`(https?://\\S+/${page}#token=\\S+)`));
  assert.ok(found, `a ${page} link in the mail to ${to}:\n${mail}`);
  assert.ok(found[1].startsWith(portal.baseUrl), `the link uses the public URL: ${found[1]}`);
  return found[1];
}

async function invitationLink(to) {
  return mailedLink(to, 'accept-invitation');
}

async function acceptInvitation(page, link, email, password) {
  await page.goto(link);
  await assert.doesNotReject(page.getByTestId('invited-email').waitFor());
  assert.equal(await page.getByTestId('invited-email').textContent(), email);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
}

async function reportTabs(page) {
  return page.getByRole('navigation', { name: 'Reports' }).getByRole('link').allTextContents();
}

test(
  'an operator onboards a publisher whose Administrator adds a User with only Orders',
  { timeout: 120_000 },
  async () => {
    // The operator creates the publisher and invites its first Administrator.
    const created = await portal.cli([
      'publishers', 'create',
      '--name', 'Adventure Works',
      '--slug', 'adventureworks',
      '--admin-email', ADMIN,
      '--admin-first-name', 'Ada',
      '--admin-last-name', 'Lovelace',
    ]);
    assert.match(created, /Created publisher Adventure Works/);
    const listed = await portal.cli(['publishers', 'list']);
    assert.match(listed, /adventureworks/);

    // The Administrator accepts the invitation and lands signed in.
    const admin = await newPage(browser, portal.baseUrl);
    await acceptInvitation(admin, await invitationLink(ADMIN), ADMIN, ADMIN_PASSWORD);
    await admin.waitForURL((url) => url.pathname === '/summary');
    await eventually(async () => assert.equal(await admin.getByTestId('user-name').textContent(), 'Ada Lovelace'));
    assert.deepEqual(await reportTabs(admin), [
      'Summary', 'Orders and Usage', 'Customer', 'Licenses', 'User Management', 'Help',
    ]);

    // The wizard: email, then names, then permissions, then review, then Save.
    await admin.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'User Management' }).click();
    await admin.waitForURL((url) => url.pathname === '/users');
    await admin.getByRole('navigation', { name: 'User Management' }).getByRole('link', { name: 'Add user' }).click();
    await admin.getByLabel('Email', { exact: true }).fill(USER);
    await admin.getByRole('button', { name: 'Next' }).click();
    await admin.getByLabel('First name', { exact: true }).fill('Pat');
    await admin.getByLabel('Last name', { exact: true }).fill('Doe');
    await admin.getByRole('button', { name: 'Next' }).click();
    await admin.getByRole('checkbox', { name: 'Orders', exact: true }).check();
    await admin.getByRole('button', { name: 'Next' }).click();
    assert.equal(await admin.getByTestId('review-permissions').textContent(), 'Orders');
    await admin.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => assert.match(await admin.getByTestId('user-added').textContent(), /pat@adventureworks\.example/));
    await screenshot(admin, 'accounts-user-added');

    // The list shows the invited user.
    await admin.getByRole('navigation', { name: 'User Management' }).getByRole('link', { name: 'Users' }).click();
    const row = admin.locator(`[data-testid="user-row"][data-email="${USER}"]`);
    await eventually(async () => assert.match(await row.textContent(), /Invited/));
    assert.match(await row.textContent(), /Orders/);

    // The User accepts and sees only the Orders area.
    const user = await newPage(browser, portal.baseUrl);
    await acceptInvitation(user, await invitationLink(USER), USER, USER_PASSWORD);
    await user.waitForURL((url) => url.pathname === '/orders-usage');
    await eventually(async () => assert.deepEqual(await reportTabs(user), ['Orders and Usage', 'Help']));
    await screenshot(user, 'accounts-orders-only');
    await user.goto('/summary');
    await eventually(async () => assert.ok(await user.getByTestId('no-access').isVisible()));
    await user.goto('/users');
    await eventually(async () => assert.ok(await user.getByTestId('no-access').isVisible()));

    // The API agrees: Orders only, no Summary, no User Management.
    const session = await signInToApi(portal.baseUrl, USER, USER_PASSWORD);
    assert.deepEqual(session.user.permissions, ['Orders']);
    for (const path of ['/api/v1/reports/summary', '/api/v1/users']) {
      const response = await fetch(`${portal.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      assert.equal(response.status, 403, path);
    }

    // The Administrator grants Summary too; the User's next page shows it.
    await admin.getByRole('link', { name: `Edit ${USER}` }).click();
    await admin.getByTestId('edit-user-email').waitFor();
    await admin.getByRole('checkbox', { name: 'Summary', exact: true }).check();
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => assert.match(await admin.getByRole('status').textContent(), /Saved/));
    await user.reload();
    await eventually(async () => assert.deepEqual(await reportTabs(user), ['Summary', 'Orders and Usage', 'Help']));

    // Deleting the User ends their session: their next visit is the sign-in page.
    await admin.getByRole('button', { name: 'Delete user' }).click();
    await admin.getByRole('button', { name: `Yes, delete ${USER}` }).click();
    await admin.waitForURL((url) => url.pathname === '/users');
    await user.goto('/orders-usage');
    await user.waitForURL((url) => url.pathname === '/signin');
    const gone = await fetch(`${portal.baseUrl}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: USER, password: USER_PASSWORD }),
    });
    assert.equal(gone.status, 401);
  },
);

test(
  'an expired access token is renewed silently from the refresh cookie, and Sign out ends the session',
  { timeout: 90_000 },
  async () => {
    const page = await newPage(browser, portal.baseUrl);
    await page.goto('/signin');
    await page.getByLabel('Email', { exact: true }).fill('admin@contoso.example');
    await page.getByLabel('Password', { exact: true }).fill(portal.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/summary');

    // The tab's access token goes bad (as if it had expired); the refresh cookie is intact.
    const key = 'seller-insights.session';
    const spoiled = await page.evaluate((key) => {
      const session = JSON.parse(sessionStorage.getItem(key));
      session.accessToken = 'expired.or.revoked';
      sessionStorage.setItem(key, JSON.stringify(session));
      return session.accessToken;
    }, key);
    await page.goto('/users');
    await page.getByTestId('users-table').waitFor();
    const renewed = await page.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).accessToken, key);
    assert.notEqual(renewed, spoiled, 'the app renewed its access token');
    assert.equal(new URL(page.url()).pathname, '/users', 'without a detour through sign-in');

    // A new tab of the same browser resumes the session from the cookie.
    const tab = await page.context().newPage();
    await tab.goto(`${portal.baseUrl}/users`);
    await tab.getByTestId('users-table').waitFor();
    await tab.close();

    // Sign out revokes the refresh token: a reload or a new tab is signed out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/signin');
    await eventually(async () => {
      const status = await page.evaluate(async () => (await fetch('/api/v1/auth/refresh', { method: 'POST' })).status);
      assert.equal(status, 401, 'the refresh cookie no longer works');
    });
    const after = await page.context().newPage();
    await after.goto(`${portal.baseUrl}/users`);
    await after.waitForURL((url) => url.pathname === '/signin');
    await after.close();
  },
);

test(
  'a forgotten password is reset by a mailed link; with self-service reset off, the mail says whom to ask',
  { timeout: 90_000 },
  async () => {
    const email = 'analyst@northwind.example';
    const page = await newPage(browser, portal.baseUrl);
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await eventually(async () => assert.match(await page.getByTestId('reset-requested').textContent(), /contact your Administrator/));

    await page.goto(await mailedLink(email, 'reset-password'));
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Confirm password', { exact: true }).fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByTestId('reset-done').waitFor();
    await signInToApi(portal.baseUrl, email, 'a brand new passphrase');

    // The Administrator turns self-service reset off in the settings.
    const admin = await newPage(browser, portal.baseUrl);
    await admin.goto('/signin');
    await admin.getByLabel('Email', { exact: true }).fill('admin@northwind.example');
    await admin.getByLabel('Password', { exact: true }).fill(portal.password);
    await admin.getByRole('button', { name: 'Sign in', exact: true }).click();
    await admin.waitForURL((url) => url.pathname === '/summary');
    await admin.goto('/users/settings');
    await admin.locator('#allow-password-reset').uncheck();
    await eventually(async () => assert.equal(await admin.getByRole('status').textContent(), 'Saved.'));

    await page.goto('/forgot-password');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByTestId('reset-requested').waitFor();
    const mail = await newestMail(email);
    assert.match(mail, /contact your Administrator/);
    assert.doesNotMatch(mail, /#token=/);
  },
);
