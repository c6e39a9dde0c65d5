import type { Caller } from './account.service.ts';
import type { StudioService } from './studio.service.ts';
import type { Invitation, TeamService } from './team.service.ts';
import type { UserRow } from '../repositories/account.repository.ts';
import { readStringArray } from '../domain/lenient.ts';

/**
 * Invites teammates and, in the same step, assigns them to `projects` (a Tagwright addition to
 * `teams/invite`), so an invited labeler finds tasks on their first sign-in. Project names are
 * checked before anyone is invited: a typo invites nobody.
 */
export async function inviteToProjects(
  services: { teams: TeamService; studio: StudioService },
  caller: Caller,
  body: Record<string, unknown>,
): Promise<{ teammates: UserRow[]; invitations: Invitation[] }> {
  const projects = readStringArray(body.projects, 'projects') ?? [];
  if (projects.length > 0) await services.studio.requireProjects(caller, projects);
  const invited = await services.teams.invite(caller.account.id, body);
  if (projects.length === 0) return invited;
  await services.studio.addAssignments(caller, { emails: body.emails, projects });
  return invited;
}
