import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, type TestServer } from '../helpers/server.ts';
import { mailBody, mailHeader, useTestServerWithSmtp } from '../helpers/fake-smtp.ts';
import { addTeammate, linkIn, mailsTo, signIn } from './helpers.ts';

const OLD_PASSWORD = 'the old password 1';
const NEW_PASSWORD = 'a brand new password';

function forgot(server: TestServer, body: unknown) {
  return server.request('POST', '/app/api/session/forgot_password', { key: null, body });
}

function acceptInvite(server: TestServer, token: string, password: string) {
  return server.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password } });
}

function login(server: TestServer, email: string, password: string) {
  return server.request('POST', '/app/api/session/login', { key: null, body: { email, password } });
}

describeEachDatabase('Forgot password, with mail configured', (dialect) => {
  const { server, smtp } = useTestServerWithSmtp(dialect, { TAGWRIGHT_SMTP_FROM: 'accounts@tagwright.test', TAGWRIGHT_PASSWORD_RESET_PER_ADDRESS: '100' });

  it('mails a teammate who has signed up a one-time link with which they set a new password and sign in', async () => {
    await addTeammate(server.current, { email: 'ana@example.com', password: OLD_PASSWORD });
    const response = await forgot(server.current, { email: ' Ana@Example.com ' });
    assert.equal(response.status, 200);
    assert.match(response.body.message, /on its way/);

    const [mail] = await mailsTo(server.current, smtp.current, 'ana@example.com');
    assert.ok(mail, 'a mail was sent to the teammate');
    assert.equal(mail.from, 'accounts@tagwright.test');
    assert.equal(mailHeader(mail, 'Subject'), 'Choose a new Tagwright password');
    assert.match(mailHeader(mail, 'Content-Type')!, /^text\/plain; charset=utf-8$/);
    const { link, token, reset } = linkIn(mail);
    assert.ok(link.startsWith(`${server.current.url}/ui/#/accept-invite?token=`), link);
    assert.equal(reset, true);
    assert.match(mailBody(mail), /24 hours/);

    assert.equal((await login(server.current, 'ana@example.com', OLD_PASSWORD)).status, 200, 'the old password works until the link is used');
    const accepted = await acceptInvite(server.current, token, NEW_PASSWORD);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.user.email, 'ana@example.com');
    assert.equal((await login(server.current, 'ana@example.com', NEW_PASSWORD)).status, 200);
    assert.equal((await login(server.current, 'ana@example.com', OLD_PASSWORD)).status, 401);
    assert.equal((await acceptInvite(server.current, token, 'yet another password')).status, 400, 'the link works once');
  });

  it('answers an unknown email and a teammate who never signed up exactly as a known one, and mails neither', async () => {
    await addTeammate(server.current, { email: 'bob@example.com', password: OLD_PASSWORD });
    await addTeammate(server.current, { email: 'invited@example.com', inviteToken: 'invited-token-0000000000000' });
    const known = await forgot(server.current, { email: 'bob@example.com' });
    const unknown = await forgot(server.current, { email: 'nobody@example.com' });
    const invitedOnly = await forgot(server.current, { email: 'invited@example.com' });
    for (const response of [unknown, invitedOnly]) {
      assert.equal(response.status, known.status);
      assert.equal(response.text, known.text);
      assert.equal(response.headers.get('content-type'), known.headers.get('content-type'));
    }
    assert.equal((await mailsTo(server.current, smtp.current, 'bob@example.com')).length, 1);
    assert.equal((await mailsTo(server.current, smtp.current, 'nobody@example.com')).length, 0);
    assert.equal((await mailsTo(server.current, smtp.current, 'invited@example.com')).length, 0);
    // The open invitation was not replaced: its token still signs the teammate up.
    assert.equal((await acceptInvite(server.current, 'invited-token-0000000000000', NEW_PASSWORD)).status, 200);
  });

  it('replaces the earlier link when the teammate asks again', async () => {
    await addTeammate(server.current, { email: 'carl@example.com', password: OLD_PASSWORD });
    await forgot(server.current, { email: 'carl@example.com' });
    await forgot(server.current, { email: 'carl@example.com' });
    const [first, second] = await mailsTo(server.current, smtp.current, 'carl@example.com');
    assert.ok(second, 'two mails');
    assert.equal((await acceptInvite(server.current, linkIn(first).token, NEW_PASSWORD)).status, 400);
    assert.equal((await acceptInvite(server.current, linkIn(second).token, NEW_PASSWORD)).status, 200);
  });

  it('lets three requests an hour through for one email; the next gets the same answer and no mail', async () => {
    await addTeammate(server.current, { email: 'dana@example.com', password: OLD_PASSWORD });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await forgot(server.current, { email: 'dana@example.com' }));
    assert.deepEqual(new Set(answers.map((response) => `${response.status} ${response.text}`)).size, 1);
    assert.equal((await mailsTo(server.current, smtp.current, 'dana@example.com')).length, 3);
    // Another email from the same address is not held back by dana's limit.
    await addTeammate(server.current, { email: 'eve@example.com', password: OLD_PASSWORD });
    await forgot(server.current, { email: 'eve@example.com' });
    assert.equal((await mailsTo(server.current, smtp.current, 'eve@example.com')).length, 1);
  });

  it('mails the link to a teammate locked out after failed sign-ins; setting the password lifts the lock', async () => {
    await addTeammate(server.current, { email: 'finn@example.com', password: OLD_PASSWORD });
    for (let i = 0; i < 5; i++) await login(server.current, 'finn@example.com', 'wrong password!!');
    assert.match((await login(server.current, 'finn@example.com', OLD_PASSWORD)).body.error, /locked/);
    const response = await forgot(server.current, { email: 'finn@example.com' });
    assert.equal(response.status, 200);
    const [mail] = await mailsTo(server.current, smtp.current, 'finn@example.com');
    assert.equal((await acceptInvite(server.current, linkIn(mail).token, NEW_PASSWORD)).status, 200);
    await signIn(server.current, 'finn@example.com', NEW_PASSWORD);
  });

  it('answers 400 naming email for a missing, empty, non-string or malformed email', async () => {
    for (const body of [{}, { email: '' }, { email: ['ana@example.com'] }, { email: 'not-an-email' }]) {
      const response = await forgot(server.current, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.status_code, 400);
      assert.match(response.body.error, /email/);
    }
  });

  it('needs neither a session nor a CSRF token, and ignores a stale session cookie', async () => {
    const response = await server.current.request('POST', '/app/api/session/forgot_password', {
      key: null,
      headers: { cookie: 'tw_session=long-gone' },
      body: { email: 'someone@example.com' },
    });
    assert.equal(response.status, 200);
  });

  it('describes the route in the OpenAPI document', async () => {
    const openapi = await server.current.request('GET', '/openapi.json', { key: null });
    assert.ok(openapi.body.paths['/app/api/session/forgot_password'].post);
  });
});

describeEachDatabase('Forgot password, limited per client address', (dialect) => {
  const { server, smtp } = useTestServerWithSmtp(dialect, { TAGWRIGHT_PASSWORD_RESET_PER_ADDRESS: '2' });

  it('lets two requests an hour through from one address, whatever the emails; the third gets the same answer and no mail', async () => {
    const emails = ['gus@example.com', 'hana@example.com', 'ivy@example.com'];
    for (const email of emails) await addTeammate(server.current, { email, password: OLD_PASSWORD });
    const answers = [];
    for (const email of emails) answers.push(await forgot(server.current, { email }));
    assert.equal(new Set(answers.map((response) => `${response.status} ${response.text}`)).size, 1);
    assert.equal((await mailsTo(server.current, smtp.current, 'gus@example.com')).length, 1);
    assert.equal((await mailsTo(server.current, smtp.current, 'hana@example.com')).length, 1);
    assert.equal((await mailsTo(server.current, smtp.current, 'ivy@example.com')).length, 0);
  });
});

describeEachDatabase('Forgot password, without mail configured', (dialect) => {
  const server = useTestServer(dialect);

  it('gives the same answer and issues no link, so an admin-made link keeps working', async () => {
    await addTeammate(server.current, { email: 'jo@example.com', password: OLD_PASSWORD });
    const adminLink = await server.current.request('POST', '/app/api/admin/teammates/reset_password', { body: { email: 'jo@example.com' } });
    assert.equal(adminLink.status, 200);
    const response = await forgot(server.current, { email: 'jo@example.com' });
    assert.equal(response.status, 200);
    assert.match(response.body.message, /on its way/);
    assert.equal((await acceptInvite(server.current, adminLink.body.invitations[0].token, NEW_PASSWORD)).status, 200);
  });
});
