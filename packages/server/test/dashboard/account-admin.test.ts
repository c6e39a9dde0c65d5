import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { sessionCookieOf } from '../session/helpers.ts';
import { ok, signedIn, type Browser } from './helpers.ts';

describeEachDatabase('Teammates and API keys from the web UI', (dialect) => {
  const server = useTestServer(dialect);
  let admin: Browser;
  let manager: Browser;

  before(async () => {
    admin = await signedIn(server.current, `admin-${dialect}@example.com`, 'admin');
    manager = await signedIn(server.current, `boss-${dialect}@example.com`, 'manager');
  });

  it('lets only admins manage teammates and keys', async () => {
    for (const [method, path] of [['GET', '/app/api/admin/teammates'], ['GET', '/app/api/admin/keys'], ['POST', '/app/api/admin/keys']]) {
      const response = await manager.call(method, path, method === 'POST' ? { environment: 'live' } : undefined);
      assert.equal(response.status, 403, `${method} ${path}`);
      assert.match(response.body.error, /roles admin/);
    }
  });

  it('invites a teammate with a one-time token that signs them in once accepted', async () => {
    const email = `new-${dialect}@example.com`;
    const invited = ok(await admin.call('POST', '/app/api/admin/teammates/invite', { emails: [email], team_role: 'labeler' }));
    const row = invited.teammates.find((teammate: any) => teammate.email === email);
    assert.equal(row.role, 'labeler');
    assert.equal(row.signed_up, false);
    assert.ok(row.invite_expires_at);
    const [invitation] = invited.invitations;
    assert.equal(invitation.email, email);
    assert.equal(invitation.invite_path, `/ui/#/accept-invite?token=${encodeURIComponent(invitation.token)}`);

    const accepted = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: invitation.token, password: 'a long enough password' } });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.body.user.email, email);
    assert.ok(sessionCookieOf(accepted.headers));

    const listed = ok(await admin.call('GET', '/app/api/admin/teammates'));
    assert.equal(listed.teammates.find((teammate: any) => teammate.email === email).signed_up, true);
    assert.equal(listed.invitations, undefined);
  });

  it('issues a fresh token to a teammate who has not signed up, and refuses one who has', async () => {
    const email = `late-${dialect}@example.com`;
    const first = ok(await admin.call('POST', '/app/api/admin/teammates/invite', { emails: [email], team_role: 'member' }));
    const again = ok(await admin.call('POST', '/app/api/admin/teammates/reinvite', { email }));
    assert.notEqual(again.invitations[0].token, first.invitations[0].token);
    assert.equal(again.invitations[0].role, 'member');
    const stale = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: first.invitations[0].token, password: 'a long enough password' } });
    assert.equal(stale.status, 400);
    const refused = await admin.call('POST', '/app/api/admin/teammates/reinvite', { email: manager.email });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /already signed up/);
  });

  it('changes roles and keeps at least one admin', async () => {
    const changed = ok(await admin.call('POST', '/app/api/admin/teammates/set_role', { emails: [manager.email], team_role: 'member' }));
    assert.equal(changed.teammates.find((teammate: any) => teammate.email === manager.email).role, 'member');
    const admins = changed.teammates.filter((teammate: any) => teammate.role === 'admin').map((teammate: any) => teammate.email);
    const demoteAll = await admin.call('POST', '/app/api/admin/teammates/set_role', { emails: admins, team_role: 'manager' });
    assert.equal(demoteAll.status, 400);
    assert.match(demoteAll.body.error, /at least one admin/);
  });

  it('shows a new API key once, lists only its hint, and revokes it at once', async () => {
    const created = ok(await admin.call('POST', '/app/api/admin/keys', { environment: 'test', label: 'CI' }));
    assert.match(created.api_key, /^test_[0-9a-f]{32}$/);
    assert.equal(created.key.environment, 'test');
    assert.equal(created.key.label, 'CI');
    assert.equal(created.key.hint, created.api_key.slice(0, 9));
    assert.equal((await server.current.request('GET', '/v1/projects', { key: created.api_key })).status, 200);

    const listed = ok(await admin.call('GET', '/app/api/admin/keys'));
    const entry = listed.keys.find((key: any) => key.id === created.key.id);
    assert.equal(entry.hint, created.key.hint);
    assert.ok(!JSON.stringify(listed).includes(created.api_key));

    const revoked = ok(await admin.call('POST', `/app/api/admin/keys/${created.key.id}/revoke`));
    assert.ok(revoked.keys.find((key: any) => key.id === created.key.id).revoked_at);
    assert.equal((await server.current.request('GET', '/v1/projects', { key: created.api_key })).status, 401);
    assert.equal((await admin.call('POST', `/app/api/admin/keys/${created.key.id}/revoke`)).status, 404);
  });

  it('refuses a key for an unknown environment, naming the choices', async () => {
    const response = await admin.call('POST', '/app/api/admin/keys', { environment: 'staging' });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /live or test/);
  });
});
