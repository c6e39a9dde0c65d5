import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { readQuery } from '../../http/query.ts';
import { requireRole } from '../../http/app-auth.ts';
import { InvalidRequest } from '../../domain/errors.ts';
import type { WorkState } from '../../db/tables/tasks.ts';
import { TASK_STATUSES } from '../../services/task.service.ts';
import { presentTask } from '../../presenters/task.presenter.ts';
import {
  presentBatchProgressList,
  presentLabelerStats,
  presentProjectProgress,
  presentTaskBrowserPage,
  presentTaskDetail,
  presentThroughput,
} from '../../presenters/dashboard.presenter.ts';
import { AUDIT_RESULTS, TASK_PAGE_MAX, THROUGHPUT_BUCKETS, type DashboardActor, type ThroughputBucket } from '../../services/dashboard.service.ts';
import { BATCH_STATUSES } from '../../services/batch.service.ts';

const tags = ['app dashboard'];
const WORK_STATES: readonly WorkState[] = ['queued', 'in_progress', 'review', 'reviewing', 'completed', 'canceled', 'error'];
const BATCH_PAGE_MAX = 100;

const TaskParams = Type.Object({ taskId: Type.String({ description: 'The task id.' }) });
const AuditBody = Type.Object(
  {
    result: Type.String({ description: `One of ${AUDIT_RESULTS.join(', ')}.` }),
    comments: Type.Optional(Type.String({ description: 'Required for commented; appended to customer_review_comments.' })),
    response: Type.Optional(Type.Unknown({ description: 'Required for fixed: the corrected response, which replaces the task response.' })),
    time_spent_secs: Type.Optional(Type.Unknown({ description: "Seconds the auditor spent (from opening the task to the decision); recorded as the entry's audit_time_secs for a signed-in teammate (0 for API keys)." })),
  },
  { additionalProperties: true },
);

function actorOf(request: FastifyRequest): DashboardActor {
  return { caller: request.caller, email: request.appUser.via === 'session' ? request.appUser.email : undefined };
}

/**
 * The manager dashboard's reads and audits (docs/app-api.md, Dashboard), under /app/api/dashboard.
 * Members, managers and admins (and API keys); labelers get 403. Scoped to the caller's account and
 * environment (a session works in live).
 */
export async function registerDashboardRoutes(app: FastifyInstance): Promise<void> {
  const { dashboard, batches } = app.services;
  const managers = requireRole('member', 'manager');

  app.get(
    '/dashboard/projects',
    { schema: { summary: 'Projects, newest first, with task counts by status (from the maintained counters)', tags }, preHandler: managers },
    async (request) => presentProjectProgress(await dashboard.projectProgress(request.caller)),
  );

  app.get(
    '/dashboard/batches',
    {
      schema: { summary: 'Batches, newest first, with task counts by status (query: project, status, limit up to 100, offset)', tags },
      preHandler: managers,
    },
    async (request) => {
      const query = readQuery(request.query);
      const result = await batches.list(request.caller, {
        project: query.string('project'),
        status: query.oneOf('status', BATCH_STATUSES),
        detailed: true,
        limit: query.integer('limit', { min: 1, max: BATCH_PAGE_MAX, clampMax: true }) ?? 25,
        offset: query.integer('offset', { min: 0 }) ?? 0,
      });
      return presentBatchProgressList(result);
    },
  );

  app.get(
    '/dashboard/throughput',
    {
      schema: {
        summary: 'Tasks completed per hour or day over a range, zero-filled (query: bucket, start_time, end_time, project, tz_offset_minutes)',
        tags,
      },
      preHandler: managers,
    },
    async (request) => {
      const query = readQuery(request.query);
      const throughput = await dashboard.throughput(request.caller, {
        bucket: query.oneOf('bucket', Object.keys(THROUGHPUT_BUCKETS) as ThroughputBucket[]) ?? 'day',
        from: query.timestamp('start_time'),
        to: query.timestamp('end_time'),
        project: query.string('project'),
        tzOffsetMinutes: query.integer('tz_offset_minutes'),
      });
      return presentThroughput(throughput);
    },
  );

  app.get(
    '/dashboard/tasks',
    {
      schema: {
        summary: `Browse tasks newest first, keyset-paginated (query: project, batch, status, work_state, q (task id, or unique_id prefix), limit up to ${TASK_PAGE_MAX}, next_token)`,
        tags,
      },
      preHandler: managers,
    },
    async (request) => {
      const query = readQuery(request.query);
      const workStates = query.list('work_state', { commas: true });
      const unknown = workStates?.filter((state) => !(WORK_STATES as readonly string[]).includes(state)) ?? [];
      if (unknown.length > 0) throw new InvalidRequest(`Invalid value for 'work_state': "${unknown[0]}". Use one of ${WORK_STATES.join(', ')}.`);
      const page = await dashboard.browseTasks(request.caller, {
        project: query.string('project'),
        batch: query.string('batch'),
        status: query.oneOf('status', TASK_STATUSES),
        workStates: workStates?.length ? (workStates as WorkState[]) : undefined,
        search: query.string('q'),
        limit: query.integer('limit', { min: 1, max: TASK_PAGE_MAX, clampMax: true }),
        nextToken: query.string('next_token'),
      });
      return presentTaskBrowserPage(page);
    },
  );

  app.get(
    '/dashboard/tasks/:taskId',
    {
      schema: { summary: "A task (v1 object with attachment links) with its attempts, reviews, pipeline state and current holder", tags, params: TaskParams },
      preHandler: managers,
    },
    async (request) => presentTaskDetail(await dashboard.taskDetail(request.caller, (request.params as { taskId: string }).taskId)),
  );

  app.post(
    '/dashboard/tasks/:taskId/audit',
    {
      schema: {
        summary: 'Audit a completed task from the dashboard: accepted, rejected, fixed (with response) or commented; queues the callback',
        tags,
        params: TaskParams,
        body: AuditBody,
      },
      preHandler: managers,
    },
    async (request) => {
      const { task, links } = await dashboard.audit(actorOf(request), (request.params as { taskId: string }).taskId, request.body);
      // The same task object as the detail answer, attachment links included: the page redraws from it.
      return { task: { ...presentTask(task, links), work_state: task.work_state } };
    },
  );

  app.get(
    '/dashboard/labelers',
    {
      schema: { summary: "Labelers' totals: tasks labeled and reviewed, mean times, gold accuracy, agreement, review outcomes (query: project, start_time, end_time)", tags },
      preHandler: managers,
    },
    async (request) => {
      const query = readQuery(request.query);
      const stats = await dashboard.labelerStats(request.caller, {
        project: query.string('project'),
        from: query.timestamp('start_time'),
        to: query.timestamp('end_time'),
      });
      return presentLabelerStats(stats);
    },
  );
}
