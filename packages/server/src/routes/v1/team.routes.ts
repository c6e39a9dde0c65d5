import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody } from '../../domain/lenient.ts';
import { presentTeammate } from '../../presenters/teammate.presenter.ts';
import { TEAM_ROLES } from '../../services/team.service.ts';

const tags = ['v1 teams'];
const TeamBody = Type.Object(
  {
    emails: Type.Array(Type.String(), { description: 'Email addresses (compared in lower case).' }),
    team_role: Type.String({ description: `One of ${TEAM_ROLES.join(', ')}.` }),
  },
  { additionalProperties: true },
);

/** v1 teammates (contract 4.6): account-wide (shared by live and test); every answer is the bare array of all teammates. */
export async function registerTeamRoutes(app: FastifyInstance): Promise<void> {
  const { teams, teamMail } = app.services;

  app.get('/teams', { schema: { summary: 'List teammates (bare array; the account owner is always listed)', tags } }, async (request) => {
    return (await teams.list(request.caller.account.id)).map(presentTeammate);
  });

  app.post(
    '/teams/invite',
    {
      schema: {
        summary: 'Invite teammates (answers with all teammates)',
        description:
          'Existing teammates are kept as they are. Each newly invited teammate carries `inviteToken` in this answer only ' +
          '(a Tagwright addition): the one-time sign-up token, valid 7 days, that they use to set a password in the web UI. ' +
          'When the server has TAGWRIGHT_SMTP_URL, the link is also emailed to each new teammate.',
        tags,
        body: TeamBody,
      },
    },
    async (request) => {
      const { teammates, invitations } = await teams.invite(request.caller.account.id, objectBody(request.body));
      // With TAGWRIGHT_SMTP_URL set, each new teammate also gets the link by mail (after this answer; the answer is unchanged).
      teamMail.sendInvitations(invitations, request.caller.account.name, request.log);
      const tokens = new Map(invitations.map((invitation) => [invitation.user.id, invitation.token]));
      return teammates.map((user) => {
        const token = tokens.get(user.id);
        return token ? { ...presentTeammate(user), inviteToken: token } : presentTeammate(user);
      });
    },
  );

  app.post('/teams/set_role', { schema: { summary: "Change teammates' role (answers with all teammates)", tags, body: TeamBody } }, async (request) => {
    return (await teams.setRole(request.caller.account.id, objectBody(request.body))).map(presentTeammate);
  });
}
