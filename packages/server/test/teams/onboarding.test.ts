/**
 * No dead end between an invitation and a labeler's first task (issue 18, dead ends 3 and 4): the
 * invite assigns projects in the same step and answers the full accept link; the accept page can
 * name the email and team before a password is chosen; an empty queue says why and whom to ask.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { sessionCookieOf } from '../session/helpers.ts';
import { unique } from '../tasks/helpers.ts';

const PASSWORD = 'onboarding password';

describeEachDatabase('Onboarding a labeler', (dialect) => {
  const server = useTestServer(dialect);

  async function project(): Promise<string> {
    const name = unique('onboard');
    const created = await server.current.request('POST', '/v1/projects', { body: { name, type: 'categorization' } });
    assert.equal(created.status, 200, created.text);
    return name;
  }

  /** Accepts an invitation and returns the session cookie. */
  async function accept(token: string): Promise<string> {
    const accepted = await server.current.request('POST', '/app/api/session/accept-invite', { key: null, body: { token, password: PASSWORD } });
    assert.equal(accepted.status, 200, accepted.text);
    return sessionCookieOf(accepted.headers)!;
  }

  it('invites with projects in one step through v1: the answer carries the full accept link and the assignments exist', async () => {
    const [first, second] = [await project(), await project()];
    const emails = [`${unique('ana')}@example.com`, `${unique('ben')}@example.com`];
    const invited = await server.current.request('POST', '/v1/teams/invite', { body: { emails, team_role: 'labeler', projects: [first, second] } });
    assert.equal(invited.status, 200, invited.text);
    for (const email of emails) {
      const teammate = invited.body.find((entry: any) => entry.email === email);
      assert.ok(teammate.inviteToken, 'the contract fields stay');
      assert.equal(teammate.inviteUrl, `${server.current.url}/ui/#/accept-invite?token=${encodeURIComponent(teammate.inviteToken)}`);
    }
    const assignments = await server.current.request('GET', '/v1/studio/assignments');
    for (const email of emails) assert.deepEqual(assignments.body[email], [first, second].sort());
  });

  it('invites nobody when a project name is unknown, naming it', async () => {
    const email = `${unique('typo')}@example.com`;
    const invited = await server.current.request('POST', '/v1/teams/invite', { body: { emails: [email], team_role: 'labeler', projects: ['no-such-project'] } });
    assert.equal(invited.status, 400);
    assert.match(invited.body.error, /'projects'.*no-such-project/);
    const team = await server.current.request('GET', '/v1/teams');
    assert.equal(team.body.some((entry: any) => entry.email === email), false);
  });

  it('invites with projects from the admin UI API, answering each link in full', async () => {
    const name = await project();
    const email = `${unique('cy')}@example.com`;
    const invited = await server.current.request('POST', '/app/api/admin/teammates/invite', { body: { emails: [email], team_role: 'labeler', projects: [name] } });
    assert.equal(invited.status, 200, invited.text);
    const [invitation] = invited.body.invitations;
    assert.equal(invitation.invite_url, `${server.current.url}${invitation.invite_path}`);
    assert.deepEqual((await server.current.request('GET', '/v1/studio/assignments')).body[email], [name]);
  });

  it('names the email, the team and the password rule of an invitation before a password is chosen', async () => {
    const email = `${unique('dee')}@example.com`;
    const invited = await server.current.request('POST', '/v1/teams/invite', { body: { emails: [email], team_role: 'labeler' } });
    const token = invited.body.find((entry: any) => entry.email === email).inviteToken;
    const described = await server.current.request('GET', `/app/api/session/invitation?token=${encodeURIComponent(token)}`, { key: null });
    assert.equal(described.status, 200, described.text);
    assert.equal(described.body.email, email);
    assert.equal(described.body.team, 'default');
    assert.equal(described.body.purpose, 'invite');
    assert.equal(described.body.password_min_length, 10);
    const unknown = await server.current.request('GET', '/app/api/session/invitation?token=nope', { key: null });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /ask an admin to invite you again/);
  });

  it('answers the session state with 200 whether or not someone is signed in', async () => {
    const anonymous = await server.current.request('GET', '/app/api/session/state', { key: null });
    assert.equal(anonymous.status, 200);
    assert.deepEqual(anonymous.body, { signed_in: false });
    const email = `${unique('eve')}@example.com`;
    const invited = await server.current.request('POST', '/v1/teams/invite', { body: { emails: [email], team_role: 'labeler' } });
    const cookie = await accept(invited.body.find((entry: any) => entry.email === email).inviteToken);
    const signedIn = await server.current.request('GET', '/app/api/session/state', { key: null, headers: { cookie } });
    assert.equal(signedIn.body.signed_in, true);
    assert.equal(signedIn.body.user.email, email);
  });

  it("tells a labeler with no project why the queue is empty and whom to ask; with a project and nothing waiting, says that", async () => {
    const email = `${unique('fay')}@example.com`;
    const invited = await server.current.request('POST', '/v1/teams/invite', { body: { emails: [email], team_role: 'labeler' } });
    const cookie = await accept(invited.body.find((entry: any) => entry.email === email).inviteToken);
    const empty = await server.current.request('GET', '/app/api/queue/next?kind=label', { key: null, headers: { cookie } });
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.body.assignment, null);
    assert.equal(empty.body.empty.reason, 'no_projects');
    assert.ok(empty.body.empty.contacts.includes('admin@localhost'));
    assert.match(empty.body.empty.message, /not assigned to any project.*admin@localhost/);

    const name = await project();
    assert.equal((await server.current.request('POST', '/v1/studio/assignments/add', { body: { emails: [email], projects: [name] } })).status, 200);
    const waiting = await server.current.request('GET', '/app/api/queue/next?kind=label', { key: null, headers: { cookie } });
    assert.equal(waiting.body.empty.reason, 'nothing_waiting');
    assert.deepEqual(waiting.body.empty.projects, [name]);
    assert.match(waiting.body.empty.message, new RegExp(`No tasks are waiting to label in your projects \\(${name}\\)`));
  });
});
