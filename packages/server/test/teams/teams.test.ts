import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';

describeEachDatabase('Teammates', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_ADMIN_EMAIL: 'Owner@Example.com' });

  function byEmail(teammates: any[], email: string): any {
    return teammates.find((teammate) => teammate.email === email);
  }

  it('lists the account owner as an admin in a bare array', async () => {
    const response = await server.current.request('GET', '/teams');
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(response.body));
    // The owner has not set a password yet, so their first-start invitation shows its expiry too.
    const { email, role, isStudioLabeler } = response.body[0];
    assert.deepEqual({ email, role, isStudioLabeler }, { email: 'owner@example.com', role: 'admin', isStudioLabeler: false });
  });

  it('invites teammates and answers with every teammate, new ones with an expiry a week out', async () => {
    const started = Date.now();
    const response = await server.current.request('POST', '/v1/teams/invite', { body: { emails: ['Ann@Example.com', 'bob@example.com'], team_role: 'labeler' } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.map((teammate: any) => teammate.email), ['owner@example.com', 'ann@example.com', 'bob@example.com']);
    const ann = byEmail(response.body, 'ann@example.com');
    assert.equal(ann.role, 'labeler');
    assert.equal(ann.isStudioLabeler, true);
    const expiry = Date.parse(ann.expiry);
    assert.ok(expiry >= started + 7 * 24 * 3600 * 1000 - 1000 && expiry <= Date.now() + 7 * 24 * 3600 * 1000, ann.expiry);
    assert.equal(typeof ann.inviteToken, 'string');
    assert.equal(byEmail(response.body, 'owner@example.com').inviteToken, undefined);
  });

  it('keeps existing teammates as they are when invited again, without duplicates', async () => {
    const response = await server.current.request('POST', '/teams/invite', { body: { emails: ['ann@example.com', 'carl@example.com'], team_role: 'manager' } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.map((teammate: any) => teammate.email), ['owner@example.com', 'ann@example.com', 'bob@example.com', 'carl@example.com']);
    assert.equal(byEmail(response.body, 'ann@example.com').role, 'labeler');
    assert.equal(byEmail(response.body, 'ann@example.com').inviteToken, undefined);
    assert.equal(byEmail(response.body, 'carl@example.com').role, 'manager');
    assert.equal(byEmail(response.body, 'carl@example.com').isStudioLabeler, false);
  });

  it('shares teammates between the live and test environments', async () => {
    const live = await server.current.request('GET', '/teams');
    const test = await server.current.request('GET', '/teams', { key: TEST_KEY });
    assert.equal(test.status, 200);
    assert.deepEqual(test.body, live.body);
  });

  it('lets an invited teammate sign up with the one-time token, after which no expiry is shown', async () => {
    const invited = await server.current.request('POST', '/teams/invite', { body: { emails: ['dora@example.com'], team_role: 'member' } });
    const token = byEmail(invited.body, 'dora@example.com').inviteToken;
    const accepted = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password: 'a long enough password' } });
    assert.equal(accepted.status, 200, accepted.text);
    const again = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password: 'another long password' } });
    assert.equal(again.status, 400);
    const listed = await server.current.request('GET', '/teams');
    assert.equal(byEmail(listed.body, 'dora@example.com').expiry, undefined);
  });

  it('answers 400 when an invited email belongs to another account', async () => {
    const other = await server.current.createAccount();
    const theirs = await server.current.request('GET', '/teams', { key: other.liveKey });
    const response = await server.current.request('POST', '/teams/invite', { body: { emails: ['eve@example.com', theirs.body[0].email], team_role: 'member' } });
    assert.equal(response.status, 400);
    assert.match(response.body.error, new RegExp(theirs.body[0].email));
    const listed = await server.current.request('GET', '/teams');
    assert.equal(byEmail(listed.body, 'eve@example.com'), undefined);
    assert.equal((await server.current.request('GET', '/teams', { key: other.liveKey })).body.length, 1);
  });

  it('answers 400 for an unknown role, missing emails or a malformed email on invite', async () => {
    const role = await server.current.request('POST', '/teams/invite', { body: { emails: ['fay@example.com'], team_role: 'owner' } });
    assert.equal(role.status, 400);
    assert.match(role.body.error, /team_role/);
    const missing = await server.current.request('POST', '/teams/invite', { body: { team_role: 'member' } });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /emails/);
    const malformed = await server.current.request('POST', '/teams/invite', { body: { emails: ['not-an-email'], team_role: 'member' } });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error, /not-an-email/);
  });

  it('sets the role of teammates and answers with every teammate', async () => {
    const response = await server.current.request('POST', '/teams/set_role', { body: { emails: ['ANN@example.com', 'bob@example.com'], team_role: 'manager' } });
    assert.equal(response.status, 200, response.text);
    assert.equal(byEmail(response.body, 'ann@example.com').role, 'manager');
    assert.equal(byEmail(response.body, 'ann@example.com').isStudioLabeler, false);
    assert.equal(byEmail(response.body, 'bob@example.com').role, 'manager');
    assert.equal(byEmail(response.body, 'owner@example.com').role, 'admin');
  });

  it('answers 400 on set_role for a non-teammate email or an unknown role, changing nothing', async () => {
    const stranger = await server.current.request('POST', '/teams/set_role', { body: { emails: ['ann@example.com', 'zed@example.com'], team_role: 'labeler' } });
    assert.equal(stranger.status, 400);
    assert.match(stranger.body.error, /zed@example\.com/);
    const role = await server.current.request('POST', '/teams/set_role', { body: { emails: ['ann@example.com'], team_role: 'boss' } });
    assert.equal(role.status, 400);
    assert.match(role.body.error, /team_role/);
    const listed = await server.current.request('GET', '/teams');
    assert.equal(byEmail(listed.body, 'ann@example.com').role, 'manager');
  });

  it('refuses to leave the account without an admin', async () => {
    const response = await server.current.request('POST', '/teams/set_role', { body: { emails: ['owner@example.com'], team_role: 'member' } });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /admin/);
    const promoted = await server.current.request('POST', '/teams/set_role', { body: { emails: ['carl@example.com'], team_role: 'admin' } });
    assert.equal(promoted.status, 200);
    const demoted = await server.current.request('POST', '/teams/set_role', { body: { emails: ['owner@example.com'], team_role: 'member' } });
    assert.equal(demoted.status, 200);
    assert.equal(byEmail(demoted.body, 'owner@example.com').role, 'member');
  });

  it('requires a valid API key', async () => {
    const response = await server.current.request('GET', '/teams', { key: 'live_ffffffffffffffffffffffffffffffff' });
    assert.equal(response.status, 401);
  });
});
