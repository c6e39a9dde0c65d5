import type { QueueService, Worker } from './queue.service.ts';
import type { WorkKind } from '../db/tables/queue.ts';
import type { TeamService } from './team.service.ts';

/** Why `queue/next` found nothing, and whom to ask: no state leaves a person without a next step. */
export interface EmptyQueue {
  /** `no_projects`: the person is assigned to no project; `nothing_waiting`: their projects have no task for them now. */
  reason: 'no_projects' | 'nothing_waiting';
  message: string;
  /** Emails of the account's managers and admins, who can assign projects and create work. */
  contacts: string[];
  /** The projects the person works on (empty for `no_projects`). */
  projects: string[];
}

/** Explains an empty queue for `kind` work. Called only when there is nothing to hand out, so the queue's hot path is untouched. */
export async function explainEmptyQueue(services: { queue: QueueService; teams: TeamService }, worker: Worker, kind: WorkKind): Promise<EmptyQueue> {
  const [projects, teammates] = await Promise.all([services.queue.projectsFor(worker), services.teams.list(worker.caller.account.id)]);
  const contacts = teammates.filter((teammate) => (teammate.role === 'manager' || teammate.role === 'admin') && teammate.email !== worker.email).map((teammate) => teammate.email);
  const whom = contacts.length > 0 ? `a manager or admin (${contacts.join(', ')})` : 'your team’s admin';
  if (projects.length === 0) {
    return {
      reason: 'no_projects',
      message: `You are not assigned to any project yet, so no task can reach you. Ask ${whom} to assign you to a project (Dashboard › Studio, or when inviting you).`,
      contacts,
      projects: [],
    };
  }
  const names = projects.map((project) => project.name);
  const work = kind === 'review' ? 'to review' : 'to label';
  return {
    reason: 'nothing_waiting',
    message: `No tasks are waiting ${work} in your projects (${names.join(', ')}) right now. New tasks appear here as they are created; check again later, or ask ${whom} for more work.`,
    contacts,
    projects: names,
  };
}
