/**
 * "Forgot password" in a real browser (Debian's Chromium through playwright-core) against a real
 * Tagwright server with the built web UI and a real SMTP receiver: a teammate asks for a link on the
 * sign-in page, opens the mailed link, chooses a new password, and signs in with it.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { describeEachDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startFakeSmtp, type FakeSmtp } from '../helpers/fake-smtp.ts';
import { linkIn, mailsTo } from '../session/helpers.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, acceptInvitation, buildWebUi, hasChromium, inviteTeammate, launchChromium, signInPage } from './browser.ts';

const OLD_PASSWORD = 'the password I forgot';
const NEW_PASSWORD = 'the password I chose today';

describeEachDatabase('Forgot password in a real browser', (dialect) => {
  let server: TestServer;
  let smtp: FakeSmtp;
  let browser: Browser;

  before(async () => {
    if (!hasChromium) return;
    smtp = await startFakeSmtp();
    server = await startTestServer(dialect, { TAGWRIGHT_WEB_DIR: buildWebUi(), TAGWRIGHT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('mails a link from the sign-in page that sets a new password, and the teammate signs in with it', async (t) => {
    if (!hasChromium) return t.skip(NO_CHROMIUM);
    const email = `${unique('forgetful')}@example.com`.toLowerCase();
    await acceptInvitation(server, await inviteTeammate(server, email, 'labeler'), OLD_PASSWORD);

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/ui/`);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    assert.equal(await page.getByLabel('Email').inputValue(), email, 'the email typed on the sign-in page comes along');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();

    const mails = await mailsTo(server, smtp, email);
    const reset = mails.map(linkIn).find((link) => link.reset);
    assert.ok(reset, `a reset link among ${mails.length} mails to ${email}`);
    await page.goto(reset.link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.locator('.tw-header').waitFor();
    assert.deepEqual(errors, []);
    await context.close();

    const signedIn = await signInPage(browser, server, email, NEW_PASSWORD);
    assert.deepEqual(signedIn.errors, []);
    await signedIn.context.close();
    const old = await server.request('POST', '/app/api/session/login', { key: null, body: { email, password: OLD_PASSWORD } });
    assert.equal(old.status, 401, 'the old password no longer signs in');
  });
});
