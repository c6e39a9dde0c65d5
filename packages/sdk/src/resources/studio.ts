/** v1 Studio: project assignments, project groups of labelers, and the priority of pending Studio batches. */
import { pathSegment, type RequestOptions, type Transport } from '../core/transport.ts';
import type { StudioAssignments, StudioBatch, StudioProjectGroup } from '../types.ts';

export class Studio {
  constructor(private readonly transport: Transport) {}

  /** Every teammate's assigned projects, keyed by email. */
  listAssignments(options?: RequestOptions): Promise<StudioAssignments> {
    return this.transport.request({ method: 'GET', path: 'studio/assignments', options });
  }

  /** Assigns the projects to the teammates; resolves with the whole assignment map. */
  addAssignments(emails: string[], projects: string[], options?: RequestOptions): Promise<StudioAssignments> {
    return this.transport.request({ method: 'POST', path: 'studio/assignments/add', body: { emails, projects }, options });
  }

  /** Unassigns the projects from the teammates; resolves with the whole assignment map. */
  removeAssignments(emails: string[], projects: string[], options?: RequestOptions): Promise<StudioAssignments> {
    return this.transport.request({ method: 'POST', path: 'studio/assignments/remove', body: { emails, projects }, options });
  }

  listProjectGroups(project: string, options?: RequestOptions): Promise<StudioProjectGroup[]> {
    return this.transport.request({ method: 'GET', path: `studio/projects/${pathSegment(project)}/groups`, options });
  }

  /** Creates a labeler group; the emails must already be assigned to the project. */
  createProjectGroup(project: string, emails: string[], groupName: string, options?: RequestOptions): Promise<StudioProjectGroup> {
    return this.transport.request({ method: 'POST', path: `studio/projects/${pathSegment(project)}/groups`, body: { emails, name: groupName }, options });
  }

  updateProjectGroup(project: string, groupName: string, addEmails: string[] = [], removeEmails: string[] = [], options?: RequestOptions): Promise<StudioProjectGroup> {
    return this.transport.request({
      method: 'PUT',
      path: `studio/projects/${pathSegment(project)}/groups/${pathSegment(groupName)}`,
      body: { add_emails: addEmails, remove_emails: removeEmails },
      options,
    });
  }

  /** Pending Studio batches in priority order. */
  listBatches(options?: RequestOptions): Promise<StudioBatch[]> {
    return this.transport.request({ method: 'GET', path: 'studio/batches', options });
  }

  /** Sets which project groups work on the batch. */
  assignBatch(batchName: string, groupNames: string[], options?: RequestOptions): Promise<StudioBatch> {
    return this.transport.request({ method: 'PUT', path: `studio/batches/${pathSegment(batchName)}`, body: { groups: groupNames }, options });
  }

  /** Orders every pending Studio batch, highest priority first; each must be listed exactly once. */
  setBatchPriorities(batchNames: string[], options?: RequestOptions): Promise<StudioBatch[]> {
    const body = { batches: batchNames.map((name) => ({ name })) };
    return this.transport.request({ method: 'POST', path: 'studio/batches/set_priorities', body, options });
  }

  /** Back to the default order, oldest batch first. */
  resetBatchPriorities(options?: RequestOptions): Promise<StudioBatch[]> {
    return this.transport.request({ method: 'POST', path: 'studio/batches/reset_priorities', options });
  }
}
