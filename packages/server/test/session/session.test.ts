import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY } from '../helpers/server.ts';
import { authenticateAppRequests, requireRole } from '../../src/http/app-auth.ts';
import { handleError } from '../../src/http/errors.ts';
import { registerJsonParser } from '../../src/http/parsers.ts';
import { addTeammate, sessionCookieOf, signIn } from './helpers.ts';

const PASSWORD = 'correct horse battery';

describeEachDatabase('Web sign-in and sessions', (dialect) => {
  const server = useTestServer(dialect);
  const sql = () => server.current.server.services.db.kysely;

  it('signs in with email and password, answering the user and a CSRF token with an HttpOnly, SameSite=Lax cookie', async () => {
    await addTeammate(server.current, { email: 'ana@example.com', role: 'manager', password: PASSWORD });
    const response = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'ana@example.com', password: PASSWORD } });
    assert.equal(response.status, 200);
    assert.equal(response.body.user.email, 'ana@example.com');
    assert.equal(response.body.user.role, 'manager');
    assert.equal(typeof response.body.user.id, 'string');
    assert.equal('first_name' in response.body.user, false);
    assert.deepEqual(Object.keys(response.body).sort(), ['account', 'csrfToken', 'expires_at', 'user']);
    assert.match(response.body.csrfToken, /^[A-Za-z0-9_-]{20,}$/);
    const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('tw_session='))!;
    assert.ok(setCookie, 'a tw_session cookie is set');
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Lax/);
    assert.match(setCookie, /; Path=\//);
    assert.match(setCookie, /; Max-Age=604800/);
    assert.doesNotMatch(setCookie, /Secure/, 'no Secure flag over plain http with no https public URL');
  });

  it('matches the email case-insensitively when it was stored in lower case', async () => {
    const response = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: ' Ana@Example.com ', password: PASSWORD } });
    assert.equal(response.status, 200);
  });

  it('answers the current user and CSRF token on GET /app/api/session with the cookie, and 401 without one', async () => {
    const { cookie, csrfToken } = await signIn(server.current, 'ana@example.com', PASSWORD);
    const current = await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie } });
    assert.equal(current.status, 200);
    assert.equal(current.body.user.email, 'ana@example.com');
    assert.equal(current.body.csrfToken, csrfToken);
    const anonymous = await server.current.request('GET', '/app/api/session', { key: null });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.status_code, 401);
    const bogus = await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie: 'tw_session=not-a-session' } });
    assert.equal(bogus.status, 401);
    assert.match(bogus.body.error, /sign in again/);
  });

  it('gives one generic 401 for an unknown email, a wrong password and a teammate who never set a password', async () => {
    await addTeammate(server.current, { email: 'invited-only@example.com', inviteToken: 'tok-never-used-000000000000' });
    const cases = [
      { email: 'nobody@example.com', password: PASSWORD },
      { email: 'ana@example.com', password: 'wrong password!' },
      { email: 'invited-only@example.com', password: PASSWORD },
    ];
    const messages = new Set<string>();
    for (const body of cases) {
      const response = await server.current.request('POST', '/app/api/session/login', { key: null, body });
      assert.equal(response.status, 401, body.email);
      assert.equal(response.headers.getSetCookie().length, 0);
      messages.add(response.body.error);
    }
    assert.deepEqual([...messages], ['The email or password is incorrect.']);
    // A correct sign-in resets the count, so the failure above does not count towards a lock.
    await signIn(server.current, 'ana@example.com', PASSWORD);
  });

  it('answers 400 naming the field when the email or password is missing', async () => {
    const response = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'ana@example.com' } });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /password/);
  });

  it('locks a teammate for 15 minutes after 5 consecutive failures, even for the right password, then lets them in again', async () => {
    await addTeammate(server.current, { email: 'bo@example.com', password: PASSWORD });
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'bo@example.com', password: 'nope nope nope' } });
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'The email or password is incorrect.');
    }
    const fifth = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'bo@example.com', password: 'nope nope nope' } });
    assert.equal(fifth.status, 401);
    const until = /locked until (\S+Z) \(UTC\)/.exec(fifth.body.error)?.[1];
    assert.ok(until, fifth.body.error);
    // The time is also a field of its own, so the sign-in page can show it in the reader's zone.
    assert.equal(fifth.body.locked_until, until);
    assert.match(fifth.body.error, /ask an admin to unlock it/);
    const minutes = (Date.parse(until) - Date.now()) / 60_000;
    assert.ok(minutes > 14 && minutes <= 15, `locked for ${minutes} minutes`);

    const whileLocked = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'bo@example.com', password: PASSWORD } });
    assert.equal(whileLocked.status, 401);
    assert.match(whileLocked.body.error, /locked until/);

    // Fifteen minutes later (moved back in the database rather than waited for).
    await sql().updateTable('users').set({ locked_until: Date.now() - 1 }).where('email', '=', 'bo@example.com').execute();
    const afterLock = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'bo@example.com', password: PASSWORD } });
    assert.equal(afterLock.status, 200);
  });

  it('needs the x-csrf-token header on cookie-authenticated writes (403 without or with a wrong one)', async () => {
    const { cookie, csrfToken } = await signIn(server.current, 'ana@example.com', PASSWORD);
    const body = { current_password: PASSWORD, new_password: PASSWORD };
    const missing = await server.current.request('POST', '/app/api/session/password', { key: null, headers: { cookie }, body });
    assert.equal(missing.status, 403);
    assert.match(missing.body.error, /x-csrf-token/);
    const wrong = await server.current.request('POST', '/app/api/session/password', { key: null, headers: { cookie, 'x-csrf-token': 'x'.repeat(csrfToken.length) }, body });
    assert.equal(wrong.status, 403);
    const right = await server.current.request('POST', '/app/api/session/password', { key: null, headers: { cookie, 'x-csrf-token': csrfToken }, body });
    assert.equal(right.status, 200);
    assert.deepEqual(right.body, {});
  });

  it('changes the password with the current one, ending the other sessions but not this one', async () => {
    await addTeammate(server.current, { email: 'cy@example.com', password: PASSWORD });
    const other = await signIn(server.current, 'cy@example.com', PASSWORD);
    const mine = await signIn(server.current, 'cy@example.com', PASSWORD);
    const headers = { cookie: mine.cookie, 'x-csrf-token': mine.csrfToken };
    const badCurrent = await server.current.request('POST', '/app/api/session/password', { key: null, headers, body: { current_password: 'not it at all', new_password: 'a new password 1' } });
    assert.equal(badCurrent.status, 400);
    assert.match(badCurrent.body.error, /current_password/);
    const tooShort = await server.current.request('POST', '/app/api/session/password', { key: null, headers, body: { current_password: PASSWORD, new_password: 'short' } });
    assert.equal(tooShort.status, 400);
    assert.match(tooShort.body.error, /new_password.*at least 10 characters/);
    const changed = await server.current.request('POST', '/app/api/session/password', { key: null, headers, body: { current_password: PASSWORD, new_password: 'a new password 1' } });
    assert.equal(changed.status, 200);
    assert.equal((await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie: mine.cookie } })).status, 200);
    assert.equal((await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie: other.cookie } })).status, 401);
    await signIn(server.current, 'cy@example.com', 'a new password 1');
  });

  it('signs out: the cookie is cleared and the old cookie no longer works', async () => {
    const { cookie, csrfToken } = await signIn(server.current, 'ana@example.com', PASSWORD);
    const withoutCsrf = await server.current.request('POST', '/app/api/session/logout', { key: null, headers: { cookie } });
    assert.equal(withoutCsrf.status, 403);
    const response = await server.current.request('POST', '/app/api/session/logout', { key: null, headers: { cookie, 'x-csrf-token': csrfToken } });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {});
    const cleared = response.headers.getSetCookie().find((value) => value.startsWith('tw_session='))!;
    assert.match(cleared, /^tw_session=;/);
    assert.match(cleared, /Max-Age=0/);
    assert.equal((await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie } })).status, 401);
    // Signing out again, with a dead cookie or none, still succeeds.
    assert.equal((await server.current.request('POST', '/app/api/session/logout', { key: null, headers: { cookie } })).status, 200);
    assert.equal((await server.current.request('POST', '/app/api/session/logout', { key: null })).status, 200);
  });

  it('ends a session idle for more than 12 hours, and any session 7 days after sign-in', async () => {
    const idle = await signIn(server.current, 'ana@example.com', PASSWORD);
    const old = await signIn(server.current, 'ana@example.com', PASSWORD);
    const sessions = await sql().selectFrom('sessions').select(['id', 'csrf_token']).execute();
    const idleId = sessions.find((row) => row.csrf_token === idle.csrfToken)!.id;
    const oldId = sessions.find((row) => row.csrf_token === old.csrfToken)!.id;
    await sql().updateTable('sessions').set({ last_seen_at: Date.now() - 12 * 3_600_000 - 1000 }).where('id', '=', idleId).execute();
    await sql().updateTable('sessions').set({ expires_at: Date.now() - 1000 }).where('id', '=', oldId).execute();
    const idleAnswer = await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie: idle.cookie } });
    assert.equal(idleAnswer.status, 401);
    assert.match(idleAnswer.headers.getSetCookie()[0] ?? '', /^tw_session=;.*Max-Age=0/);
    assert.equal((await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie: old.cookie } })).status, 401);
  });

  it('purges ended sessions in the background and keeps live ones', async () => {
    const live = await signIn(server.current, 'ana@example.com', PASSWORD);
    const ended = await signIn(server.current, 'ana@example.com', PASSWORD);
    await sql().updateTable('sessions').set({ expires_at: Date.now() - 1 }).where('csrf_token', '=', ended.csrfToken).execute();
    assert.ok((await server.current.server.services.sessions.purgeEnded()) >= 1);
    const left = await sql().selectFrom('sessions').select('csrf_token').execute();
    assert.equal(left.some((row) => row.csrf_token === ended.csrfToken), false);
    assert.equal((await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie: live.cookie } })).status, 200);
  });

  it('describes the session routes in the OpenAPI document', async () => {
    const document = (await server.current.request('GET', '/openapi.json', { key: null })).body;
    for (const route of ['/app/api/session/login', '/app/api/session/accept-invite', '/app/api/session/logout', '/app/api/session']) {
      assert.ok(document.paths[route], route);
    }
  });

  it('stores only a hash of the cookie token', async () => {
    const { cookie } = await signIn(server.current, 'ana@example.com', PASSWORD);
    const token = decodeURIComponent(cookie.slice('tw_session='.length));
    const stored = await sql().selectFrom('sessions').select('id').where('id', '=', token).executeTakeFirst();
    assert.equal(stored, undefined);
  });

  describe('accepting an invitation', () => {
    it('sets the password, signs the teammate in, and makes the token single-use', async () => {
      await addTeammate(server.current, { email: 'dee@example.com', role: 'member', inviteToken: 'invite-token-dee-0123456789abcdef' });
      const response = await server.current.request('POST', '/app/api/session/accept-invite', {
        key: null,
        body: { token: 'invite-token-dee-0123456789abcdef', password: 'a long enough password', first_name: 'Dee', last_name: 'Lopez' },
      });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.user, { id: response.body.user.id, email: 'dee@example.com', role: 'member', first_name: 'Dee', last_name: 'Lopez' });
      const cookie = sessionCookieOf(response.headers)!;
      assert.equal((await server.current.request('GET', '/app/api/session', { key: null, headers: { cookie } })).status, 200);

      const again = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: 'invite-token-dee-0123456789abcdef', password: 'another long password' } });
      assert.equal(again.status, 400);
      assert.match(again.body.error, /token/);
      await signIn(server.current, 'dee@example.com', 'a long enough password');
    });

    it('works end to end with the token that POST teams/invite hands out', async () => {
      const invited = await server.current.request('POST', '/teams/invite', { body: { emails: ['Gus@Example.com'], team_role: 'manager' } });
      assert.equal(invited.status, 200);
      const token = invited.body.find((teammate: any) => teammate.email === 'gus@example.com')?.inviteToken;
      assert.equal(typeof token, 'string');
      const accepted = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password: 'gus password 123' } });
      assert.equal(accepted.status, 200);
      assert.equal(accepted.body.user.role, 'manager');
      const again = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'GUS@example.com', password: 'gus password 123' } });
      assert.equal(again.status, 200);
    });

    it('refuses a password shorter than 10 characters, an unknown token and an expired one', async () => {
      await addTeammate(server.current, { email: 'eve@example.com', inviteToken: 'invite-token-eve-0123456789abcdef' });
      await addTeammate(server.current, { email: 'fay@example.com', inviteToken: 'invite-token-fay-0123456789abcdef', inviteExpiresAt: Date.now() - 1 });
      const short = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: 'invite-token-eve-0123456789abcdef', password: 'nine char' } });
      assert.equal(short.status, 400);
      assert.match(short.body.error, /password/);
      const unknown = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: 'no-such-token', password: 'a long enough password' } });
      assert.equal(unknown.status, 400);
      const expired = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: 'invite-token-fay-0123456789abcdef', password: 'a long enough password' } });
      assert.equal(expired.status, 400);
      assert.match(expired.body.error, /expired/);
      // The short-password attempt did not use up the invitation.
      const ok = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token: 'invite-token-eve-0123456789abcdef', password: 'a long enough password' } });
      assert.equal(ok.status, 200);
    });
  });

  describe('roles', () => {
    let app: FastifyInstance;
    let url: string;

    // A small app on the same services, with routes guarded by requireRole, exercised over real HTTP.
    before(async () => {
      app = Fastify({ logger: false });
      registerJsonParser(app);
      app.setErrorHandler(handleError);
      await app.register(
        async (scope) => {
          await scope.register(fastifyCookie); // as routes/app/index.ts registers it on /app/api
          authenticateAppRequests(scope, server.current.server.services);
          scope.post('/reviewers-only', { preHandler: requireRole('member', 'manager') }, async (request) => ({ role: request.appUser.role, via: request.appUser.via }));
          scope.get('/admins-only', { preHandler: requireRole('admin') }, async (request) => ({ role: request.appUser.role, environment: request.appUser.environment }));
        },
        { prefix: '/app/api' },
      );
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => app?.close());

    async function call(method: string, path: string, headers: Record<string, string>) {
      const response = await fetch(url + path, { method, headers });
      return { status: response.status, body: await response.json() };
    }

    it('lets a manager through a reviewers-only route and stops a labeler with 403 naming the roles', async () => {
      await addTeammate(server.current, { email: 'lab@example.com', role: 'labeler', password: PASSWORD });
      await addTeammate(server.current, { email: 'man@example.com', role: 'manager', password: PASSWORD });
      const labeler = await signIn(server.current, 'lab@example.com', PASSWORD);
      const manager = await signIn(server.current, 'man@example.com', PASSWORD);
      const denied = await call('POST', '/app/api/reviewers-only', { cookie: labeler.cookie, 'x-csrf-token': labeler.csrfToken });
      assert.equal(denied.status, 403);
      assert.match(denied.body.error, /member, manager, admin.*labeler/);
      const allowed = await call('POST', '/app/api/reviewers-only', { cookie: manager.cookie, 'x-csrf-token': manager.csrfToken });
      assert.equal(allowed.status, 200);
      assert.deepEqual(allowed.body, { role: 'manager', via: 'session' });
      assert.equal((await call('GET', '/app/api/admins-only', { cookie: manager.cookie })).status, 403);
    });

    it('sees a role change on the next request, without signing in again', async () => {
      const labeler = await signIn(server.current, 'lab@example.com', PASSWORD);
      await sql().updateTable('users').set({ role: 'admin' }).where('email', '=', 'lab@example.com').execute();
      const promoted = await call('GET', '/app/api/admins-only', { cookie: labeler.cookie });
      assert.equal(promoted.status, 200);
      assert.deepEqual(promoted.body, { role: 'admin', environment: 'live' });
    });

    it('treats an API key as the account admin, without a CSRF header, and rejects a bad key with 401', async () => {
      const basic = `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}`;
      const response = await call('POST', '/app/api/reviewers-only', { authorization: basic });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { role: 'admin', via: 'api_key' });
      const bad = await call('GET', '/app/api/admins-only', { authorization: 'Bearer live_ffffffffffffffffffffffffffffffff' });
      assert.equal(bad.status, 401);
      const none = await call('GET', '/app/api/admins-only', {});
      assert.equal(none.status, 401);
    });
  });
});

describeEachDatabase('Session cookie behind an https public URL', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_PUBLIC_URL: 'https://label.example.com' });

  it('marks the session cookie Secure when TAGWRIGHT_PUBLIC_URL is https', async () => {
    await addTeammate(server.current, { email: 'sec@example.com', password: PASSWORD });
    const response = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'sec@example.com', password: PASSWORD } });
    assert.equal(response.status, 200);
    assert.match(sessionCookieOf(response.headers) ? response.headers.getSetCookie()[0] : '', /; Secure/);
  });
});
