import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { addTeammate, signIn } from '../session/helpers.ts';
import { PASSWORD, ok, signedIn, type Browser } from './helpers.ts';

const NEW_PASSWORD = 'a brand new passphrase';

describeEachDatabase('Unlocking teammates and resetting passwords from the web UI', (dialect) => {
  const server = useTestServer(dialect);
  let admin: Browser;
  let manager: Browser;

  const login = (email: string, password: string) => server.current.request('POST', '/app/api/session/login', { key: null, body: { email, password } });
  const teammateRow = async (email: string) => ok(await admin.call('GET', '/app/api/admin/teammates')).teammates.find((row: any) => row.email === email);

  /** Fails five sign-ins, which locks the teammate. */
  async function lockOut(email: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) assert.equal((await login(email, 'not the password')).status, 401);
    const refused = await login(email, PASSWORD);
    assert.equal(refused.status, 401);
    assert.match(refused.body.error, /locked until/);
  }

  before(async () => {
    admin = await signedIn(server.current, `admin-${dialect}@example.com`, 'admin');
    manager = await signedIn(server.current, `boss-${dialect}@example.com`, 'manager');
  });

  it('lets only admins unlock teammates and issue password-reset links', async () => {
    for (const path of ['/app/api/admin/teammates/unlock', '/app/api/admin/teammates/reset_password']) {
      const response = await manager.call('POST', path, { email: admin.email });
      assert.equal(response.status, 403, path);
      assert.deepEqual(response.body, { status_code: 403, error: 'This action needs one of the roles admin; you are signed in as manager.' });
    }
  });

  it('shows a locked-out teammate as locked until when, and unlocking lets them sign in at once', async () => {
    const email = `locked-${dialect}@example.com`;
    await addTeammate(server.current, { email, role: 'labeler', password: PASSWORD });
    assert.equal((await teammateRow(email)).locked_until, undefined);
    const before = Date.now();
    await lockOut(email);

    const locked = (await teammateRow(email)).locked_until;
    assert.ok(locked, 'the row says until when the teammate is locked');
    const until = Date.parse(locked);
    assert.ok(until > before + 14 * 60_000 && until <= Date.now() + 15 * 60_000, locked);

    const unlocked = ok(await admin.call('POST', '/app/api/admin/teammates/unlock', { email: email.toUpperCase() }));
    assert.equal(unlocked.teammates.find((row: any) => row.email === email).locked_until, undefined);
    const signedInAgain = await login(email, PASSWORD);
    assert.equal(signedInAgain.status, 200, signedInAgain.text);
    // The failure count restarted too: one wrong password does not lock again.
    assert.equal((await login(email, 'wrong again')).status, 401);
    assert.equal((await login(email, PASSWORD)).status, 200);
  });

  it('refuses to unlock or reset an email that is not a teammate of the account', async () => {
    const other = await server.current.createAccount();
    const stranger = (await server.current.server.services.db.kysely.selectFrom('users').select('email').where('account_id', '=', other.accountId).executeTakeFirstOrThrow()).email;
    for (const path of ['/app/api/admin/teammates/unlock', '/app/api/admin/teammates/reset_password']) {
      for (const email of [stranger, 'nobody@example.com']) {
        const response = await admin.call('POST', path, { email });
        assert.equal(response.status, 400, `${path} ${email}`);
        assert.equal(response.body.error, `Invalid value for 'email': ${email} is not a teammate of this account.`);
      }
      const missing = await admin.call('POST', path, {});
      assert.equal(missing.status, 400);
      assert.match(missing.body.error, /Missing required parameter 'email'/);
    }
  });

  it("issues a one-time password-reset link that sets a new password, ends the teammate's sessions and lifts a lock", async () => {
    const email = `forgetful-${dialect}@example.com`;
    await addTeammate(server.current, { email, role: 'member', password: PASSWORD });
    const { cookie } = await signIn(server.current, email, PASSWORD);
    await lockOut(email);

    const issued = ok(await admin.call('POST', '/app/api/admin/teammates/reset_password', { email }));
    const [link] = issued.invitations;
    assert.equal(link.email, email);
    assert.equal(link.purpose, 'password_reset');
    assert.equal(link.invite_path, `/ui/#/accept-invite?token=${encodeURIComponent(link.token)}&reset=1`);
    const expires = Date.parse(link.expires_at);
    assert.ok(expires > Date.now() + 23 * 3_600_000 && expires <= Date.now() + 24 * 3_600_000, link.expires_at);
    const row = issued.teammates.find((entry: any) => entry.email === email);
    assert.equal(row.signed_up, true);
    assert.equal(row.password_reset_expires_at, link.expires_at);
    assert.equal(row.invite_expires_at, undefined);

    const reset = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: link.token, password: NEW_PASSWORD } });
    assert.equal(reset.status, 200, reset.text);
    assert.equal(reset.body.user.email, email);
    assert.equal((await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie } })).status, 401, 'the old session ended');
    assert.equal((await login(email, PASSWORD)).status, 401);
    assert.equal((await login(email, NEW_PASSWORD)).status, 200, 'the new password works and the lock is gone');
    const again = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: link.token, password: 'yet another password' } });
    assert.equal(again.status, 400, 'the link works once');
    const after = await teammateRow(email);
    assert.equal(after.password_reset_expires_at, undefined);
    assert.equal(after.locked_until, undefined);
  });

  it('keeps the current password working until the reset link is used, and a newer link replaces an older one', async () => {
    const email = `careful-${dialect}@example.com`;
    await addTeammate(server.current, { email, role: 'labeler', password: PASSWORD });
    const first = ok(await admin.call('POST', '/app/api/admin/teammates/reset_password', { email })).invitations[0];
    const second = ok(await admin.call('POST', '/app/api/admin/teammates/reset_password', { email })).invitations[0];
    assert.equal((await login(email, PASSWORD)).status, 200);
    const stale = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: first.token, password: NEW_PASSWORD } });
    assert.equal(stale.status, 400);
    assert.equal((await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: second.token, password: NEW_PASSWORD } })).status, 200);
  });

  it('sends a teammate who never signed up to a new invitation instead of a reset link', async () => {
    const email = `pending-${dialect}@example.com`;
    ok(await admin.call('POST', '/app/api/admin/teammates/invite', { emails: [email], team_role: 'labeler' }));
    const response = await admin.call('POST', '/app/api/admin/teammates/reset_password', { email });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /has not signed up yet; send them a new invitation link/);
  });
});
