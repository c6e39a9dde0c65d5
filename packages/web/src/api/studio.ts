import type { AppApi } from './client.ts';
import type { UserRole } from './types.ts';

/**
 * The Studio management page's calls (docs/app-api.md, Studio): assignments, project groups and
 * Studio batch priorities. Keep in step with the server's presenters/studio.presenter.ts (the
 * `presentApp…` functions) and the doc.
 */

export interface AssignedTeammate {
  id: string;
  email: string;
  role: UserRole;
  /** Names of the projects the teammate is assigned to, sorted. */
  projects: string[];
}

export interface ProjectGroup {
  id: string;
  name: string;
  num_workers: number;
  is_singleton: boolean;
  created_at: string;
  workers: Array<{ id: string; email: string }>;
}

export interface StudioBatch {
  id: string;
  name: string;
  project: string;
  project_id: string;
  status: string;
  /** 1-based place in the explicit order; absent while the batch has none (default order: oldest first). */
  studio_priority?: number;
  total: number;
  completed: number;
  /** Names of the groups working the batch; empty means every teammate assigned to the project. */
  groups: string[];
  created_at: string;
}

const segment = encodeURIComponent;

export class StudioApi {
  constructor(private readonly api: AppApi) {}

  async assignments(): Promise<AssignedTeammate[]> {
    return (await this.api.request<{ teammates: AssignedTeammate[] }>('GET', '/studio/assignments')).teammates;
  }

  async assign(emails: string[], projects: string[]): Promise<AssignedTeammate[]> {
    return (await this.api.request<{ teammates: AssignedTeammate[] }>('POST', '/studio/assignments/add', { emails, projects })).teammates;
  }

  async unassign(emails: string[], projects: string[]): Promise<AssignedTeammate[]> {
    return (await this.api.request<{ teammates: AssignedTeammate[] }>('POST', '/studio/assignments/remove', { emails, projects })).teammates;
  }

  async groups(project: string): Promise<ProjectGroup[]> {
    return (await this.api.request<{ groups: ProjectGroup[] }>('GET', `/studio/projects/${segment(project)}/groups`)).groups;
  }

  async createGroup(project: string, name: string, emails: string[]): Promise<ProjectGroup> {
    return (await this.api.request<{ group: ProjectGroup }>('POST', `/studio/projects/${segment(project)}/groups`, { name, emails })).group;
  }

  async updateGroup(project: string, group: string, change: { add_emails?: string[]; remove_emails?: string[] }): Promise<ProjectGroup> {
    return (await this.api.request<{ group: ProjectGroup }>('PUT', `/studio/projects/${segment(project)}/groups/${segment(group)}`, change)).group;
  }

  /** Renames a group; its workers and the batches it works stay. 409 when the name is taken in the project. */
  async renameGroup(project: string, group: string, name: string): Promise<ProjectGroup> {
    return (await this.api.request<{ group: ProjectGroup }>('PATCH', `/studio/projects/${segment(project)}/groups/${segment(group)}`, { name })).group;
  }

  /** Deletes a group and answers the project's remaining groups; 409 (naming them) while batches are assigned to it. */
  async deleteGroup(project: string, group: string): Promise<ProjectGroup[]> {
    return (await this.api.request<{ groups: ProjectGroup[] }>('DELETE', `/studio/projects/${segment(project)}/groups/${segment(group)}`)).groups;
  }

  /** Every pending Studio batch of every project, in priority order. */
  async batches(): Promise<StudioBatch[]> {
    return (await this.api.request<{ batches: StudioBatch[] }>('GET', '/studio/batches')).batches;
  }

  async setBatchGroups(batch: string, groups: string[]): Promise<StudioBatch> {
    return (await this.api.request<{ batch: StudioBatch }>('PUT', `/studio/batches/${segment(batch)}`, { groups })).batch;
  }

  /** `names` must list every pending Studio batch once; the first is worked first. */
  async setPriorities(names: string[]): Promise<StudioBatch[]> {
    return (await this.api.request<{ batches: StudioBatch[] }>('POST', '/studio/batches/set_priorities', { batches: names.map((name) => ({ name })) })).batches;
  }

  async resetPriorities(): Promise<StudioBatch[]> {
    return (await this.api.request<{ batches: StudioBatch[] }>('POST', '/studio/batches/reset_priorities')).batches;
  }
}
