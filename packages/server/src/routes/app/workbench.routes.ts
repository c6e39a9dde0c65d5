import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { explainEmptyQueue } from '../../services/empty-queue.ts';
import { Type } from 'typebox';
import { Forbidden, InvalidRequest } from '../../domain/errors.ts';
import { readQuery } from '../../http/query.ts';
import { admitPendingSession, readPendingSession, requireRole, ROLES, sentCsrfDigest, SESSION_IN_STATEMENT } from '../../http/app-auth.ts';
import { submissionHasFiles } from '../../services/chat-file.service.ts';
import { presentAssignment, presentLease, presentRecentSubmission } from '../../presenters/assignment.presenter.ts';
import type { SessionCaller, Worker } from '../../services/queue.service.ts';

const tags = ['app work queue'];
/** How far back `queue/progress` counts: a day view, bounded so the index range stays the person's recent work. */
const PROGRESS_WINDOW_MS = 31 * 86_400_000;

const TaskParams = Type.Object({ taskId: Type.String({ description: 'The task id from the assignment.' }) });
const LeaseParams = Type.Object({ leaseId: Type.String({ description: 'The lease_id from the assignment.' }) });
// Bodies are read leniently by the services (400 naming the field); the schemas document them.
const LeaseBody = Type.Object({ lease_id: Type.String() }, { additionalProperties: true });
const DraftBody = Type.Object({ lease_id: Type.String(), response: Type.Unknown({ description: 'Any JSON: the work in progress.' }) }, { additionalProperties: true });
const DraftPartsBody = Type.Object(
  {
    lease_id: Type.String(),
    parts: Type.Array(
      Type.Object({
        path: Type.String({ description: 'JSON pointer into the draft, e.g. /threads/0/turns/12' }),
        value: Type.Unknown({ description: 'Any JSON: what the draft holds at the path.' }),
        revision: Type.Integer({ description: 'The edit order: a part is stored only over an older one.' }),
      }),
    ),
  },
  { additionalProperties: true },
);
const SubmitBody = Type.Object(
  {
    lease_id: Type.String(),
    response: Type.Unknown({ description: "The response, in the task type's shape (docs/app-api.md)." }),
    time_spent_secs: Type.Optional(Type.Unknown({ description: 'Active seconds spent in this lease.' })),
  },
  { additionalProperties: true },
);
const SkipBody = Type.Object({ lease_id: Type.String(), reason: Type.String({ description: 'Why the task is skipped.' }) }, { additionalProperties: true });
const ReviewBody = Type.Object(
  {
    lease_id: Type.String(),
    result: Type.String({ description: 'accepted, rejected (comments required), fixed (response required) or commented (comments required).' }),
    comments: Type.Optional(Type.Unknown()),
    response: Type.Optional(Type.Unknown({ description: 'The corrected response, for fixed.' })),
    time_spent_secs: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: true },
);

/**
 * The workbench's work queue (docs/app-api.md, docs/work-queue.md): next task, leases, drafts,
 * submit, skip and review. Registered inside the authenticated /app/api scope. Labeling is open to
 * every role; review and gold scores need member, manager or admin.
 */
export async function registerWorkbenchRoutes(app: FastifyInstance): Promise<void> {
  const { services } = app;
  const worker = (request: FastifyRequest): Promise<Worker> => services.queue.workerFor(request.appUser, request.caller);
  const taskId = (request: FastifyRequest) => (request.params as { taskId: string }).taskId;
  const leaseId = (request: FastifyRequest) => (request.params as { leaseId: string }).leaseId;
  const reviewers = requireRole(...ROLES.reviewers);
  /**
   * SESSION_IN_STATEMENT routes: the caller as a SessionCaller while the session cookie is still to be
   * checked (PostgreSQL), else undefined. `check` runs on the worker before the route acts (role checks).
   */
  const sessionCaller = (request: FastifyRequest, reply: FastifyReply, check: (caller: Worker) => void = () => {}): SessionCaller | undefined => {
    const pending = request.pendingSession;
    if (!pending) return undefined;
    const admitted = async () => {
      const caller = await worker(request);
      check(caller);
      return caller;
    };
    return {
      tokenHash: pending.tokenHash,
      sessionCheck: () => services.sessions.admissionCheck(),
      admit: async (found, at) => {
        await admitPendingSession(request, reply, services, found, at);
        return admitted();
      },
      read: async () => {
        await readPendingSession(request, reply, services);
        return admitted();
      },
      csrfDigest: sentCsrfDigest(request),
    };
  };

  app.get('/queue/projects', { schema: { summary: 'The projects the caller works on, with how many tasks wait to be labeled and reviewed', tags } }, async (request) => {
    return { projects: await services.queue.projectsFor(await worker(request)) };
  });

  app.get(
    '/queue/next',
    {
      config: SESSION_IN_STATEMENT,
      schema: {
        summary: 'Lease the next task to label or review (query: kind=label|review, project=<name>); {assignment: null, empty} when none waits',
        description: '`empty` says why (`reason`: no_projects or nothing_waiting), in a `message` to show, with the `contacts` (managers and admins) to ask.',
        tags,
      },
    },
    async (request, reply) => {
      const query = readQuery(request.query);
      const kind = query.oneOf('kind', ['label', 'review'] as const) ?? 'label';
      const project = query.string('project')?.trim() || undefined;
      const mayWork = (caller: Worker) => {
        if (kind === 'review' && !ROLES.reviewers.includes(caller.role)) {
          throw new Forbidden(`Reviewing needs one of the roles member, manager, admin; you are signed in as ${caller.role}.`);
        }
      };
      // All projects: the context read checks the session too (PostgreSQL). A named project is looked up first, with the session read apart.
      const pending = project === undefined ? sessionCaller(request, reply, mayWork) : undefined;
      let caller: Worker;
      let assignment;
      if (pending) ({ worker: caller, assignment } = await services.queue.nextForSession(pending, kind));
      else {
        await readPendingSession(request, reply, services);
        caller = await worker(request);
        mayWork(caller);
        assignment = await services.queue.next(caller, kind, project);
      }
      if (assignment) return { assignment: presentAssignment(assignment) };
      return { assignment: null, empty: await explainEmptyQueue(services, caller, kind) };
    },
  );

  app.get(
    '/queue/progress',
    {
      schema: {
        summary: "What the caller has done today (query: kind=label|review, since=<ISO 8601 start of the caller's day>, project=<name>)",
        description: '`done`: tasks submitted (label: labels and gold answers; review: decisions) since `since`, in all projects, and in `project` when named. `since` must lie within the last 31 days.',
        tags,
      },
    },
    async (request) => {
      const query = readQuery(request.query);
      const kind = query.oneOf('kind', ['label', 'review'] as const) ?? 'label';
      const since = query.timestamp('since');
      if (since === undefined) throw new InvalidRequest("since is required: the start of the caller's day, as an ISO 8601 time.");
      if (since < Date.now() - PROGRESS_WINDOW_MS) throw new InvalidRequest('since must lie within the last 31 days.');
      const project = query.string('project')?.trim() || undefined;
      return services.queue.progress(await worker(request), kind, since, project);
    },
  );

  app.get(
    '/queue/recent',
    {
      schema: {
        summary: "The caller's label submissions within the reopen window, newest first (query: limit, 1 to 50, default 10)",
        description:
          '`{submissions: [{task_id, project, type, submitted_at, reopenable, closed_because?, reason?}]}`, one per task; when one can no longer be reopened, `closed_because` (delivered, ended, reviewed, too_late, in_review, in_use, consensus_decided) and `reason` (the 409 message `tasks/{id}/reopen` would answer).',
        tags,
      },
    },
    async (request) => {
      const limit = readQuery(request.query).integer('limit', { min: 1, max: 50 }) ?? 10;
      const submissions = await services.queue.recent(await worker(request), limit);
      return { submissions: submissions.map(presentRecentSubmission) };
    },
  );

  app.post('/leases/:leaseId/renew', { schema: { summary: "Extend the caller's lease (409 when it expired, was released or is someone else's)", tags, params: LeaseParams } }, async (request) => {
    return { lease: presentLease(await services.queue.renew(await worker(request), leaseId(request))) };
  });

  app.post(
    '/leases/:leaseId/release',
    { config: SESSION_IN_STATEMENT, schema: { summary: 'Give the task back to the queue; the draft is kept', tags, params: LeaseParams } },
    async (request, reply) => {
      // The release checks the session in its own statement too (PostgreSQL).
      const pending = sessionCaller(request, reply);
      if (pending) await services.queue.releaseForSession(pending, leaseId(request));
      else await services.queue.release(await worker(request), leaseId(request));
      return {};
    },
  );

  app.post('/tasks/:taskId/draft', { schema: { summary: "Save the caller's work in progress under their lease", tags, params: TaskParams, body: DraftBody } }, async (request) => {
    const savedAt = await services.queue.saveDraft(await worker(request), taskId(request), request.body);
    return { saved_at: new Date(savedAt).toISOString() };
  });

  app.patch('/tasks/:taskId/draft', { schema: { summary: "Save parts of the caller's work in progress (the changed ones) under their lease", tags, params: TaskParams, body: DraftPartsBody } }, async (request) => {
    const { savedAt, stale } = await services.queue.saveDraftParts(await worker(request), taskId(request), request.body);
    return { saved_at: new Date(savedAt).toISOString(), stale };
  });

  app.post(
    '/tasks/:taskId/submit',
    { config: SESSION_IN_STATEMENT, schema: { summary: 'Submit the response; answers next_state completed, review or queued', tags, params: TaskParams, body: SubmitBody } },
    async (request, reply) => {
      // The submission's first read checks the session too (PostgreSQL), unless file answers are read first.
      let labeler: Worker | SessionCaller | undefined = submissionHasFiles(request.body) ? undefined : sessionCaller(request, reply);
      if (!labeler) {
        await readPendingSession(request, reply, services);
        labeler = await worker(request);
        // Chat file answers name uploads of this server (docs/chat.md); a read outside the submission's transaction.
        await services.chatFiles.checkSubmission(labeler, taskId(request), request.body);
      }
      const nextState = await services.queue.submit(labeler, taskId(request), request.body);
      return { task_id: taskId(request), next_state: nextState };
    },
  );

  app.post(
    '/tasks/:taskId/reopen',
    {
      schema: {
        summary: "Take back the caller's own submission while nobody has acted on it; answers the assignment with the submitted response as draft",
        description:
          '404 when the caller never submitted the task; 409 naming why when it can no longer be reopened (completed and delivered, reviewed or under review, consensus decided, another labeler on it, or past TAGWRIGHT_REOPEN_SECONDS). Any other label task the caller holds goes back to the queue.',
        tags,
        params: TaskParams,
      },
    },
    async (request) => {
      return { assignment: presentAssignment(await services.queue.reopen(await worker(request), taskId(request))) };
    },
  );

  app.post('/tasks/:taskId/skip', { schema: { summary: 'Give the task back with a reason', tags, params: TaskParams, body: SkipBody } }, async (request) => {
    await services.queue.skip(await worker(request), taskId(request), request.body);
    return {};
  });

  app.post(
    '/tasks/:taskId/review',
    { schema: { summary: 'Decide a review: accepted, rejected, fixed or commented', tags, params: TaskParams, body: ReviewBody }, preHandler: reviewers },
    async (request) => {
      const nextState = await services.review.review(await worker(request), taskId(request), request.body);
      return { task_id: taskId(request), next_state: nextState };
    },
  );

  app.get(
    '/quality/gold-scores',
    { schema: { summary: "Labelers' gold-task scores in a project (query: project=<name>)", tags }, preHandler: reviewers },
    async (request) => {
      const project = readQuery(request.query).string('project')?.trim();
      if (!project) throw new InvalidRequest("Missing required parameter 'project': the project name.");
      return { labelers: await services.queue.goldScores(await worker(request), project) };
    },
  );
}
