import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireRole } from '../../http/app-auth.ts';
import { InvalidRequest } from '../../domain/errors.ts';
import { objectBody, readString } from '../../domain/lenient.ts';
import { presentApiKey, presentTeam } from '../../presenters/dashboard.presenter.ts';
import { TEAM_ROLES } from '../../services/team.service.ts';
import { inviteToProjects } from '../../services/team-invite.ts';
import type { Environment } from '../../services/account.service.ts';

const tags = ['app admin'];

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
    projects: Type.Optional(Type.Array(Type.String(), { description: 'Project names to assign every teammate named to, in the same step.' })),
  },
  { additionalProperties: true },
);
const ReinviteBody = Type.Object({ email: Type.String(), team_role: Type.Optional(Type.String()) }, { additionalProperties: true });
const EmailBody = Type.Object({ email: Type.String({ description: "The teammate's email." }) }, { additionalProperties: true });

function requiredEmail(body: Record<string, unknown>, what: string): string {
  const email = readString(body.email, 'email');
  if (!email) throw new InvalidRequest(`Missing required parameter 'email': ${what}.`);
  return email;
}
const CreateKeyBody = Type.Object(
  { environment: Type.String({ description: 'live or test.' }), label: Type.Optional(Type.String({ description: 'A name to tell keys apart.' })) },
  { additionalProperties: true },
);
const KeyParams = Type.Object({ keyId: Type.String({ description: 'The key id from the list (not the key itself).' }) });

/**
 * Teammates and API keys from the web UI (docs/app-api.md, Dashboard). Admins only (an API key acts
 * as an admin). Teammates are account-wide; keys are the account's, for both environments.
 */
export async function registerAccountAdminRoutes(app: FastifyInstance): Promise<void> {
  const { teams, accounts, teamMail, publicUrl } = app.services;
  const admins = requireRole('admin');

  app.get('/admin/teammates', { schema: { summary: 'Teammates, in the order they joined', tags }, preHandler: admins }, async (request) =>
    presentTeam(await teams.list(request.caller.account.id)),
  );

  app.post(
    '/admin/teammates/invite',
    {
      schema: { summary: 'Invite teammates (and assign them to projects); answers with all teammates and, once, the new invitation links', tags, body: InviteBody },
      preHandler: admins,
    },
    async (request) => {
      const { teammates, invitations } = await inviteToProjects(app.services, request.caller, objectBody(request.body));
      teamMail.sendInvitations(invitations, request.caller.account.name, request.log);
      return presentTeam(teammates, invitations, publicUrl.base);
    },
  );

  app.post(
    '/admin/teammates/reinvite',
    {
      schema: { summary: "Issue a fresh invitation token to a teammate who has not signed up (the old token stops working)", tags, body: ReinviteBody },
      preHandler: admins,
    },
    async (request) => {
      const body = objectBody(request.body);
      const email = readString(body.email, 'email');
      if (!email) throw new InvalidRequest("Missing required parameter 'email': the teammate to invite again.");
      const current = (await teams.list(request.caller.account.id)).find((user) => user.email === email.trim().toLowerCase());
      const role = readString(body.team_role, 'team_role') ?? current?.role ?? 'labeler';
      const invitation = await teams.inviteOne(request.caller.account.id, email, role);
      teamMail.sendInvitations([invitation], request.caller.account.name, request.log);
      return presentTeam(await teams.list(request.caller.account.id), [invitation], publicUrl.base);
    },
  );

  app.post(
    '/admin/teammates/set_role',
    { schema: { summary: "Change teammates' role (the account keeps at least one admin)", tags, body: TeamBody }, preHandler: admins },
    async (request) => presentTeam(await teams.setRole(request.caller.account.id, objectBody(request.body))),
  );

  app.post(
    '/admin/teammates/unlock',
    { schema: { summary: 'Lift the sign-in lock-out of a teammate (after repeated failed sign-ins)', tags, body: EmailBody }, preHandler: admins },
    async (request) => {
      const user = await teams.unlock(request.caller.account.id, requiredEmail(objectBody(request.body), 'the teammate to unlock'));
      // No audit table exists; the log line records who lifted whose lock.
      request.log.info({ event: 'teammate_unlocked', teammate: user.email, by: request.appUser.email ?? 'api key' }, 'teammate unlocked');
      return presentTeam(await teams.list(request.caller.account.id));
    },
  );

  app.post(
    '/admin/teammates/reset_password',
    {
      schema: { summary: 'Issue a one-time link (24 h) with which a teammate who has signed up chooses a new password', tags, body: EmailBody },
      preHandler: admins,
    },
    async (request) => {
      const invitation = await teams.issuePasswordReset(request.caller.account.id, requiredEmail(objectBody(request.body), 'the teammate whose password to reset'));
      request.log.info({ event: 'password_reset_issued', teammate: invitation.user.email, by: request.appUser.email ?? 'api key' }, 'password reset link issued');
      teamMail.sendPasswordReset(invitation, 'admin', request.log);
      return presentTeam(await teams.list(request.caller.account.id), [invitation], publicUrl.base);
    },
  );

  app.get('/admin/keys', { schema: { summary: 'API keys of the account (hints only), oldest first', tags }, preHandler: admins }, async (request) => ({
    keys: (await accounts.listKeys(request.caller.account.id)).map(presentApiKey),
  }));

  app.post(
    '/admin/keys',
    { schema: { summary: 'Issue an API key; the answer carries the key itself, shown this once', tags, body: CreateKeyBody }, preHandler: admins },
    async (request) => {
      const body = objectBody(request.body);
      const environment = readString(body.environment, 'environment');
      if (environment !== 'live' && environment !== 'test') {
        throw new InvalidRequest(`Invalid value for 'environment': ${environment === undefined ? 'missing' : `"${environment}"`}. Use live or test.`);
      }
      const label = readString(body.label, 'label')?.trim() || undefined;
      const issued = await accounts.issueKey(request.caller.account.id, environment as Environment, label);
      return { key: presentApiKey(issued.record), api_key: issued.key };
    },
  );

  app.post(
    '/admin/keys/:keyId/revoke',
    { schema: { summary: 'Revoke an API key at once (404 if it is unknown or already revoked)', tags, params: KeyParams }, preHandler: admins },
    async (request) => {
      await accounts.revokeKey(request.caller.account.id, (request.params as { keyId: string }).keyId);
      return { keys: (await accounts.listKeys(request.caller.account.id)).map(presentApiKey) };
    },
  );
}
