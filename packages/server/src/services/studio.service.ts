import type { Caller } from './account.service.ts';
import type { ProjectGroup, StudioBatch, StudioProjectRef, StudioRepository, TeammateRef } from '../repositories/studio.repository.ts';
import { Conflict, InvalidRequest, NotFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { isPlainObject, readString, readStringArray } from '../domain/lenient.ts';

/** Email → assigned project names, for every teammate of the account (contract 4.7). */
export type AssignmentMap = Map<string, string[]>;

/** At most this many names are quoted in one error message. */
const NAMES_IN_MESSAGE = 10;

function quoteList(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_IN_MESSAGE).map((name) => JSON.stringify(name)).join(', ');
  return names.length > NAMES_IN_MESSAGE ? `${shown} and ${names.length - NAMES_IN_MESSAGE} more` : shown;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Longest group name, in UTF-16 units. A group is addressed by its name in a path segment, and the
 * router takes at most 1000 characters per segment (http/app.ts maxParamLength): 100 characters
 * percent-encode to at most 900.
 */
const GROUP_NAME_MAX_LENGTH = 100;

/** The `name` of a group body: a string that is not blank and not longer than GROUP_NAME_MAX_LENGTH (400 otherwise). */
function readGroupName(body: Record<string, unknown>): string {
  const name = readString(body.name, 'name');
  if (name === undefined || name.trim() === '') throw new InvalidRequest("Missing required parameter 'name': the group's name.");
  if (name.length > GROUP_NAME_MAX_LENGTH) throw new InvalidRequest(`Invalid value for 'name': a group name has at most ${GROUP_NAME_MAX_LENGTH} characters; this one has ${name.length}.`);
  return name;
}

function requiredList(body: Record<string, unknown>, field: string): string[] {
  const value = readStringArray(body[field], field);
  if (value === undefined) throw new InvalidRequest(`Missing required parameter '${field}': a list of strings.`);
  return value;
}

function optionalList(body: Record<string, unknown>, field: string): string[] {
  return readStringArray(body[field], field) ?? [];
}

/**
 * Scale Studio (contract 4.7): which teammates work which projects, labeler groups inside a
 * project, which groups work a batch, and the order pending Studio batches are worked in.
 * Assignments are account-wide; project and batch names resolve in the caller's environment.
 */
export class StudioService {
  constructor(private readonly studio: StudioRepository) {}

  async assignments(caller: Caller): Promise<AssignmentMap> {
    const [teammates, rows] = await Promise.all([
      this.studio.listTeammates(caller.account.id),
      this.studio.listAssignments(caller.account.id, caller.environment),
    ]);
    const byUser = new Map<string, string[]>();
    for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row.project_name]);
    // Names sorted by code point, so the answer is the same on every database whatever its collation.
    return new Map(teammates.map((teammate) => [teammate.email, (byUser.get(teammate.id) ?? []).sort(byCodePoint)]));
  }

  async addAssignments(caller: Caller, body: Record<string, unknown>): Promise<AssignmentMap> {
    const { users, projects } = await this.resolveAssignmentBody(caller, body);
    await this.studio.addAssignments(caller.account.id, users.map((user) => user.id), projects.map((project) => project.id), Date.now());
    return this.assignments(caller);
  }

  /** Unassigns; the teammates also leave those projects' groups. */
  async removeAssignments(caller: Caller, body: Record<string, unknown>): Promise<AssignmentMap> {
    const { users, projects } = await this.resolveAssignmentBody(caller, body);
    await this.studio.removeAssignments(caller.account.id, users.map((user) => user.id), projects.map((project) => project.id));
    return this.assignments(caller);
  }

  async listGroups(caller: Caller, projectName: string): Promise<ProjectGroup[]> {
    const project = await this.projectInPath(caller, projectName);
    return this.studio.listGroups(project.id);
  }

  async createGroup(caller: Caller, projectName: string, body: Record<string, unknown>): Promise<ProjectGroup> {
    const project = await this.projectInPath(caller, projectName);
    const name = readGroupName(body);
    const members = await this.assignedTeammates(caller, project, optionalList(body, 'emails'), 'emails');
    const created = await this.studio.insertGroup({ id: newId(), accountId: caller.account.id, projectId: project.id, name, now: Date.now() }, members.map((user) => user.id));
    if (!created) throw new Conflict(`A group named "${name}" already exists in project "${project.name}".`);
    return (await this.studio.findGroup(project.id, name))!;
  }

  async updateGroup(caller: Caller, projectName: string, groupName: string, body: Record<string, unknown>): Promise<ProjectGroup> {
    const project = await this.projectInPath(caller, projectName);
    const group = await this.groupInPath(project, groupName);
    const addEmails = optionalList(body, 'add_emails');
    const removeEmails = optionalList(body, 'remove_emails');
    const both = addEmails.filter((email) => removeEmails.includes(email));
    if (both.length > 0) throw new InvalidRequest(`Invalid request: ${quoteList(both)} appear in both 'add_emails' and 'remove_emails'.`);
    const adding = await this.assignedTeammates(caller, project, addEmails, 'add_emails');
    const removing = await this.teammates(caller, removeEmails, 'remove_emails');
    await this.studio.updateGroupMembers(group.id, adding.map((user) => user.id), removing.map((user) => user.id), Date.now());
    return (await this.studio.findGroup(project.id, groupName))!;
  }

  /** Renames a group (web UI only; v1 has no such call). Its id, members and batch assignments stay; a name taken in the project is a 409. */
  async renameGroup(caller: Caller, projectName: string, groupName: string, body: Record<string, unknown>): Promise<ProjectGroup> {
    const project = await this.projectInPath(caller, projectName);
    const group = await this.groupInPath(project, groupName);
    const name = readGroupName(body);
    if (name === group.name) return group;
    if (!(await this.studio.renameGroup(group.id, name))) throw new Conflict(`A group named "${name}" already exists in project "${project.name}".`);
    return (await this.studio.findGroup(project.id, name))!;
  }

  /**
   * Deletes a group and its memberships (web UI only). Refused with a 409 naming the batches while
   * any batch that is not cancelled is assigned to it: without its groups such a batch would be
   * open to every labeler of the project. Answers the project's remaining groups.
   */
  async deleteGroup(caller: Caller, projectName: string, groupName: string): Promise<ProjectGroup[]> {
    const project = await this.projectInPath(caller, projectName);
    const group = await this.groupInPath(project, groupName);
    const outcome = await this.studio.deleteGroup(group.id);
    if (!outcome.deleted) {
      const { assignedBatches: names, assignedCount: count } = outcome;
      const shown = names.map((name) => JSON.stringify(name)).join(', ') + (count > names.length ? ` and ${count - names.length} more` : '');
      throw new Conflict(
        `Group "${group.name}" cannot be deleted: ${count === 1 ? 'batch' : 'batches'} ${shown} ${count === 1 ? 'is' : 'are'} still assigned to it, and deleting it would open ${count === 1 ? 'that batch' : 'them'} to every labeler of project "${project.name}". Take the group off ${count === 1 ? 'that batch' : 'those batches'} first.`,
        { batches: names },
      );
    }
    return this.studio.listGroups(project.id);
  }

  listBatches(caller: Caller): Promise<StudioBatch[]> {
    return this.studio.listPendingStudioBatches(caller.account.id, caller.environment);
  }

  /** Sets which groups work the batch (replacing the previous set); the groups belong to the batch's project. */
  async assignBatchGroups(caller: Caller, batchName: string, body: Record<string, unknown>): Promise<StudioBatch> {
    const batch = await this.studio.findStudioBatch(caller.account.id, caller.environment, batchName);
    if (!batch) throw new NotFound(`No batch named "${batchName}" in a Studio project.`);
    const names = requiredList(body, 'groups');
    const ids = await this.studio.groupIdsByName(batch.project_id, names);
    const unknown = [...new Set(names.filter((name) => !ids.has(name)))];
    if (unknown.length > 0) {
      throw new InvalidRequest(`Invalid value for 'groups': project "${batch.project_name}" has no group named ${quoteList(unknown)}. Create groups with POST studio/projects/{project}/groups.`);
    }
    await this.studio.setBatchGroups(batch.id, names.map((name) => ids.get(name)!));
    return (await this.studio.findStudioBatch(caller.account.id, caller.environment, batchName))!;
  }

  /** Orders the pending Studio batches: the list must name each of them exactly once, first is most urgent. */
  async setPriorities(caller: Caller, body: Record<string, unknown>): Promise<StudioBatch[]> {
    const raw = body.batches;
    if (raw === undefined || raw === null) throw new InvalidRequest("Missing required parameter 'batches': a list of {\"name\": ...} in priority order.");
    if (!Array.isArray(raw)) throw new InvalidRequest("Invalid value for 'batches': expected a list of {\"name\": ...}.");
    const names = raw.map((item, index) => {
      const name = isPlainObject(item) ? item.name : item;
      if (typeof name !== 'string' || name === '') throw new InvalidRequest(`Invalid value for 'batches[${index}]': expected {"name": "<batch name>"}.`);
      return name;
    });
    const pending = await this.studio.listPendingStudioBatches(caller.account.id, caller.environment);
    const byName = new Map(pending.map((batch) => [batch.name, batch]));
    const seen = new Set<string>();
    const repeated = new Set<string>();
    for (const name of names) (seen.has(name) ? repeated : seen).add(name);
    if (repeated.size > 0) throw new InvalidRequest(`Invalid value for 'batches': ${quoteList([...repeated])} listed more than once; list each pending Studio batch exactly once.`);
    const unknown = names.filter((name) => !byName.has(name));
    if (unknown.length > 0) throw new InvalidRequest(`Invalid value for 'batches': ${quoteList(unknown)} ${unknown.length === 1 ? 'is not a pending Studio batch' : 'are not pending Studio batches'}.`);
    const missing = pending.filter((batch) => !seen.has(batch.name)).map((batch) => batch.name);
    if (missing.length > 0) throw new InvalidRequest(`Invalid value for 'batches': every pending Studio batch must be listed; missing ${quoteList(missing)}.`);
    await this.studio.setStudioPriorities(names.map((name) => byName.get(name)!.id), Date.now());
    return this.listBatches(caller);
  }

  /** Back to the default order: oldest batch first. */
  async resetPriorities(caller: Caller): Promise<StudioBatch[]> {
    await this.studio.resetStudioPriorities(caller.account.id, caller.environment, Date.now());
    return this.listBatches(caller);
  }

  private async resolveAssignmentBody(caller: Caller, body: Record<string, unknown>): Promise<{ users: TeammateRef[]; projects: StudioProjectRef[] }> {
    const emails = requiredList(body, 'emails');
    const projectNames = requiredList(body, 'projects');
    const users = await this.teammates(caller, emails, 'emails');
    const projects = await this.requireProjects(caller, projectNames);
    return { users, projects };
  }

  /** The projects with these names in the caller's environment; any unknown name is a 400 listing it. */
  async requireProjects(caller: Caller, projectNames: readonly string[]): Promise<StudioProjectRef[]> {
    const projects = await this.studio.findProjects(caller.account.id, caller.environment, projectNames);
    const found = new Set(projects.map((project) => project.name));
    const unknown = [...new Set(projectNames.filter((name) => !found.has(name)))];
    if (unknown.length > 0) throw new InvalidRequest(`Invalid value for 'projects': no project named ${quoteList(unknown)}.`);
    return projects;
  }

  private async projectInPath(caller: Caller, name: string): Promise<StudioProjectRef> {
    const project = await this.studio.findProject(caller.account.id, caller.environment, name);
    if (!project) throw new NotFound(`No project named "${name}".`);
    return project;
  }

  private async groupInPath(project: StudioProjectRef, name: string): Promise<ProjectGroup> {
    const group = await this.studio.findGroup(project.id, name);
    if (!group) throw new NotFound(`No group named "${name}" in project "${project.name}".`);
    return group;
  }

  /** The teammates with these emails (matched as given, then lower-cased); any unknown email is a 400 naming the field. */
  private async teammates(caller: Caller, emails: readonly string[], field: string): Promise<TeammateRef[]> {
    if (emails.length === 0) return [];
    const found = await this.studio.findTeammates(caller.account.id, emails.map((email) => email.trim()));
    const exact = new Map(found.map((user) => [user.email, user]));
    const lower = new Map(found.map((user) => [user.email.toLowerCase(), user]));
    const users: TeammateRef[] = [];
    const unknown: string[] = [];
    for (const email of emails) {
      const user = exact.get(email.trim()) ?? lower.get(email.trim().toLowerCase());
      if (user) users.push(user);
      else unknown.push(email);
    }
    if (unknown.length > 0) throw new InvalidRequest(`Invalid value for '${field}': ${quoteList(unknown)} ${unknown.length === 1 ? 'is not a teammate' : 'are not teammates'} of this account. Invite them with POST teams/invite.`);
    return [...new Map(users.map((user) => [user.id, user])).values()];
  }

  private async assignedTeammates(caller: Caller, project: StudioProjectRef, emails: readonly string[], field: string): Promise<TeammateRef[]> {
    const users = await this.teammates(caller, emails, field);
    const assigned = await this.studio.assignedUserIds(project.id, users.map((user) => user.id));
    const unassigned = users.filter((user) => !assigned.has(user.id)).map((user) => user.email);
    if (unassigned.length > 0) {
      throw new InvalidRequest(`Invalid value for '${field}': ${quoteList(unassigned)} ${unassigned.length === 1 ? 'is not assigned' : 'are not assigned'} to project "${project.name}". Assign them first with POST studio/assignments/add.`);
    }
    return users;
  }
}
