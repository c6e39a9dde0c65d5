import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ScaleInvalidRequest, TeammateRole, type TeammateRole as Role } from '../../src/index.ts';
import { describeEachDatabase, plainName, useSdkServer } from '../helpers/server.ts';

describeEachDatabase('SDK teammates against a real server', (dialect) => {
  const api = useSdkServer(dialect);
  const email = () => `${plainName('mate')}@example.com`;

  it('listTeammates always lists the account owner', async () => {
    const teammates = await api.current.live.listTeammates();
    assert.ok(teammates.length >= 1);
    assert.ok(teammates.some((teammate) => teammate.role === 'admin'));
  });

  it('inviteTeammates adds the emails with the role and answers every teammate', async () => {
    const a = email();
    const b = email();
    const teammates = await api.current.live.inviteTeammates([a, b], TeammateRole.Labeler);
    const byEmail = new Map(teammates.map((teammate) => [teammate.email, teammate.role]));
    assert.equal(byEmail.get(a), 'labeler');
    assert.equal(byEmail.get(b), 'labeler');
    assert.ok(teammates.length >= 3);
  });

  it('updateTeammatesRole changes the role; teammates are shared by the live and test keys', async () => {
    const a = email();
    await api.current.live.inviteTeammates([a], TeammateRole.Member);
    const updated = await api.current.test.updateTeammatesRole([a], TeammateRole.Manager);
    assert.equal(updated.find((teammate) => teammate.email === a)?.role, 'manager');
    const listed = await api.current.live.listTeammates();
    assert.equal(listed.find((teammate) => teammate.email === a)?.role, 'manager');
  });

  it('throws ScaleInvalidRequest for an unknown role or a stranger in updateTeammatesRole', async () => {
    await assert.rejects(api.current.live.inviteTeammates([email()], 'boss' as Role), ScaleInvalidRequest);
    await assert.rejects(api.current.live.updateTeammatesRole([email()], TeammateRole.Member), ScaleInvalidRequest);
  });
});
