import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { mailBody, mailHeader, useTestServerWithSmtp } from '../helpers/fake-smtp.ts';
import { addTeammate, linkIn, mailsTo } from '../session/helpers.ts';

const PASSWORD = 'a long enough password';

describeEachDatabase('Invitation and reset mails', (dialect) => {
  const { server, smtp } = useTestServerWithSmtp(dialect, { TAGWRIGHT_SMTP_FROM: 'team@tagwright.test', TAGWRIGHT_PUBLIC_URL: 'https://label.example.com/' });

  it('mails each teammate invited with POST teams/invite their sign-up link; the answer is still the bare array with inviteToken', async () => {
    const response = await server.current.request('POST', '/v1/teams/invite', { body: { emails: ['kim@example.com', 'lou@example.com'], team_role: 'labeler' } });
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(response.body));
    const kim = response.body.find((teammate: any) => teammate.email === 'kim@example.com');
    assert.match(kim.inviteToken, /^[A-Za-z0-9_-]{20,}$/);

    const [mail] = await mailsTo(server.current, smtp.current, 'kim@example.com');
    assert.ok(mail, 'kim got a mail');
    assert.equal(mail.from, 'team@tagwright.test');
    assert.match(mailHeader(mail, 'Subject')!, /^You are invited to .+ on Tagwright$/);
    assert.match(mailBody(mail), /as labeler/);
    assert.match(mailBody(mail), /7 days/);
    const { link, token, reset } = linkIn(mail);
    assert.equal(link, `https://label.example.com/ui/#/accept-invite?token=${kim.inviteToken}`, 'the link starts at TAGWRIGHT_PUBLIC_URL');
    assert.equal(reset, false);
    assert.equal((await mailsTo(server.current, smtp.current, 'lou@example.com')).length, 1);

    const accepted = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password: PASSWORD } });
    assert.equal(accepted.status, 200);
    const login = await server.current.request('POST', '/app/api/session/login', { key: null, body: { email: 'kim@example.com', password: PASSWORD } });
    assert.equal(login.status, 200);
  });

  it('sends nothing to someone who was already a teammate when invited again', async () => {
    const before = (await mailsTo(server.current, smtp.current, 'kim@example.com')).length;
    const response = await server.current.request('POST', '/v1/teams/invite', { body: { emails: ['kim@example.com'], team_role: 'labeler' } });
    assert.equal(response.status, 200);
    assert.equal((await mailsTo(server.current, smtp.current, 'kim@example.com')).length, before);
  });

  it('mails the links of invitations and re-invitations made in the admin UI, with the same token its answer shows', async () => {
    const invited = await server.current.request('POST', '/app/api/admin/teammates/invite', { body: { emails: ['max@example.com'], team_role: 'member' } });
    assert.equal(invited.status, 200);
    const again = await server.current.request('POST', '/app/api/admin/teammates/reinvite', { body: { email: 'max@example.com' } });
    assert.equal(again.status, 200);
    const [first, second] = await mailsTo(server.current, smtp.current, 'max@example.com');
    assert.equal(linkIn(first).token, invited.body.invitations[0].token);
    assert.equal(linkIn(second).token, again.body.invitations[0].token);
    assert.match(mailBody(second), /as member/);
  });

  it("mails an admin-made password-reset link, which sets the teammate's new password", async () => {
    await addTeammate(server.current, { email: 'nia@example.com', password: 'the old password 1' });
    const issued = await server.current.request('POST', '/app/api/admin/teammates/reset_password', { body: { email: 'nia@example.com' } });
    assert.equal(issued.status, 200);
    assert.deepEqual(Object.keys(issued.body).sort(), ['invitations', 'teammates']);
    const [mail] = await mailsTo(server.current, smtp.current, 'nia@example.com');
    assert.equal(mailHeader(mail, 'Subject'), 'Choose a new Tagwright password');
    assert.match(mailBody(mail), /An admin/);
    const { link, token, reset } = linkIn(mail);
    assert.equal(reset, true);
    assert.equal(link, `https://label.example.com${issued.body.invitations[0].invite_path}`);
    assert.equal((await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password: PASSWORD } })).status, 200);
  });

  it('still invites when the mail server refuses the recipient: the answer is the same and the teammate exists', async () => {
    const response = await server.current.request('POST', '/v1/teams/invite', { body: { emails: ['ops@reject.example'], team_role: 'labeler' } });
    assert.equal(response.status, 200);
    const invited = response.body.find((teammate: any) => teammate.email === 'ops@reject.example');
    assert.ok(invited.inviteToken);
    assert.equal((await mailsTo(server.current, smtp.current, 'ops@reject.example')).length, 0);
    const listed = await server.current.request('GET', '/v1/teams');
    assert.ok(listed.body.some((teammate: any) => teammate.email === 'ops@reject.example'));
  });
});

describeEachDatabase('Invitations when the mail server is down', (dialect) => {
  // A port nobody listens on: the connection is refused.
  const server = useTestServer(dialect, { TAGWRIGHT_SMTP_URL: 'smtp://127.0.0.1:1' });

  it('answers the invite as usual and the invitation works', async () => {
    const response = await server.current.request('POST', '/v1/teams/invite', { body: { emails: ['pat@example.com'], team_role: 'labeler' } });
    assert.equal(response.status, 200);
    const token = response.body.find((teammate: any) => teammate.email === 'pat@example.com').inviteToken;
    await server.current.server.services.teamMail.idle();
    const accepted = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password: PASSWORD } });
    assert.equal(accepted.status, 200);
  });
});
