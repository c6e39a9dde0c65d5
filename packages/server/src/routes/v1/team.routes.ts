import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody } from '../../domain/lenient.ts';
import { presentTeammate } from '../../presenters/teammate.presenter.ts';
import { TEAM_ROLES, invitationPath } from '../../services/team.service.ts';
import { inviteToProjects } from '../../services/team-invite.ts';

const tags = ['v1 teams'];
const TeamBody = Type.Object(
  {
    emails: Type.Array(Type.String(), { description: 'Email addresses (compared in lower case).' }),
    team_role: Type.String({ description: `One of ${TEAM_ROLES.join(', ')}.` }),
  },
  { additionalProperties: true },
);
const InviteBody = Type.Object(
  {
    emails: Type.Array(Type.String(), { description: 'Email addresses (compared in lower case).' }),
    team_role: Type.String({ description: `One of ${TEAM_ROLES.join(', ')}.` }),
    projects: Type.Optional(Type.Array(Type.String(), { description: 'Tagwright addition: project names to assign the invited teammates to in the same step (as studio/assignments/add).' })),
  },
  { additionalProperties: true },
);

/** v1 teammates (contract 4.6): account-wide (shared by live and test); every answer is the bare array of all teammates. */
export async function registerTeamRoutes(app: FastifyInstance): Promise<void> {
  const { teams, teamMail, publicUrl } = app.services;

  app.get('/teams', { schema: { summary: 'List teammates (bare array; the account owner is always listed)', tags } }, async (request) => {
    return (await teams.list(request.caller.account.id)).map(presentTeammate);
  });

  app.post(
    '/teams/invite',
    {
      schema: {
        summary: 'Invite teammates (answers with all teammates)',
        description:
          'Existing teammates are kept as they are. Each newly invited teammate carries, in this answer only (Tagwright additions), ' +
          '`inviteToken`, the one-time sign-up token valid 7 days, and `inviteUrl`, the full link to the web UI page where they set a password with it. ' +
          'With `projects`, every teammate named is also assigned to those projects. ' +
          'When the server has TAGWRIGHT_SMTP_URL, the link is also emailed to each new teammate.',
        tags,
        body: InviteBody,
      },
    },
    async (request) => {
      const { teammates, invitations } = await inviteToProjects(app.services, request.caller, objectBody(request.body));
      // With TAGWRIGHT_SMTP_URL set, each new teammate also gets the link by mail (after this answer; the answer is unchanged).
      teamMail.sendInvitations(invitations, request.caller.account.name, request.log);
      const byUser = new Map(invitations.map((invitation) => [invitation.user.id, invitation]));
      return teammates.map((user) => {
        const invitation = byUser.get(user.id);
        if (!invitation) return presentTeammate(user);
        return { ...presentTeammate(user), inviteToken: invitation.token, inviteUrl: `${publicUrl.base}${invitationPath(invitation)}` };
      });
    },
  );

  app.post('/teams/set_role', { schema: { summary: "Change teammates' role (answers with all teammates)", tags, body: TeamBody } }, async (request) => {
    return (await teams.setRole(request.caller.account.id, objectBody(request.body))).map(presentTeammate);
  });
}
