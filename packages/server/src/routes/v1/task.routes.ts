import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { readQuery } from '../../http/query.ts';
import { emptyBodyAs } from '../../http/empty-body.ts';
import { presentLimitedTask, presentStoredTaskJson, presentTask, presentTaskPage } from '../../presenters/task.presenter.ts';
import { presentQualityTask } from '../../presenters/quality-task.presenter.ts';
import { TASK_TYPES } from '../../domain/task-types.ts';
import { MAX_PAGE_SIZE, REVIEW_STATUSES, TASK_STATUSES } from '../../services/task.service.ts';

const tags = ['v1 tasks'];
const TaskIdParams = Type.Object({ id: Type.String({ description: 'Task id (task_id).' }) });
const TypeParams = Type.Object({ type: Type.String({ description: `Task type: one of ${TASK_TYPES.join(', ')}.` }) });

// Creation fields are described, not typed: the route must not coerce them (params are stored
// exactly as sent, contract 2.1.7), and the service validates them with messages that name the field.
const field = (description: string) => Type.Optional(Type.Unknown({ description }));
const CreateTaskBody = Type.Object(
  {
    project: field('Project name (string). Without project and batch, the default project is used.'),
    batch: field('Batch name (string); with only a batch, the task belongs to the batch project.'),
    callback_url: field('http(s) URL or email address notified on completion; the account default applies when absent.'),
    instruction: field('Markdown instruction; the project instruction is appended after a blank line.'),
    attachment: field('Attachment URL or uploaded file attachment_url (string).'),
    attachments: field('Array of attachments.'),
    attachment_type: field('image, text, pdf, website, ... (string).'),
    unique_id: field('Unique per account and environment across projects and types; reuse gives 409.'),
    metadata: field('Object, default {}.'),
    tags: field('Array of strings.'),
    priority: field('10, 20 or 30; a higher number is more urgent.'),
    project_version: field('Project parameter version to inherit; -1 inherits nothing.'),
    hypothesis: field('Pre-annotation object, stored in params.'),
  },
  { additionalProperties: true, description: 'Common fields plus the type-specific parameters, which are stored under params as sent.' },
);
const QualityTaskBody = Type.Object(
  {
    ...CreateTaskBody.properties,
    expected_response: field('The known correct response (required for evaluation tasks).'),
    initial_response: field('Evaluation tasks only: the response shown in a review-phase evaluation.'),
  },
  { additionalProperties: true },
);
const AuditBody = Type.Object(
  { accepted: field('true accepts the task, false rejects it (booleans may be sent as strings).'), comments: field('Optional comment (string or null).') },
  { additionalProperties: true },
);
const UniqueIdBody = Type.Object({ unique_id: field('The new unique_id (string).') }, { additionalProperties: true });
const MetadataBody = Type.Record(Type.String(), Type.Unknown(), { description: 'The whole metadata object (replaces the stored one); an empty body means {}.' });
// Tag bodies are a bare array of strings (or {"tags": [...]}); an empty body means []. Items are
// checked by the service so that a non-string is a 400 naming it, never silently coerced.
const TagsBody = Type.Union([Type.Array(Type.Unknown()), Type.Object({ tags: Type.Optional(Type.Array(Type.Unknown())) }, { additionalProperties: true })], {
  description: 'Bare JSON array of tag strings, or {"tags": [...]}; an empty body means [].',
});

const emptyObject = emptyBodyAs(() => ({}));
const emptyList = emptyBodyAs(() => []);

function idempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  return Array.isArray(header) ? header[0] : header;
}

/** v1 tasks (contract 4.1, 4.5, 5, 6.1, 7). */
export async function registerTaskRoutes(app: FastifyInstance): Promise<void> {
  const { tasks, qualityTasks } = app.services;

  app.post('/task/:type', { preValidation: emptyObject, schema: { summary: 'Create a task of the given type', tags, params: TypeParams, body: CreateTaskBody } }, async (request) => {
    const { type } = request.params as { type: string };
    return presentTask(await tasks.create(request.caller, type, request.body, { idempotencyKey: idempotencyKey(request) }));
  });

  // Written from the stored row (JSON columns as stored), the same object presentTask would give.
  app.get('/task/:id', { schema: { summary: 'Get a task', tags, params: TaskIdParams } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const json = presentStoredTaskJson(await tasks.getStored(request.caller, id));
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get('/tasks', { schema: { summary: 'List tasks, newest first (cursor pagination)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const limited = query.boolean('limited_response') ?? false;
    const page = await tasks.list(request.caller, {
      project: query.string('project'),
      batch: query.string('batch'),
      status: query.oneOf('status', TASK_STATUSES),
      type: query.oneOf('type', TASK_TYPES),
      createdFrom: query.timestamp('start_time') ?? query.timestamp('created_after'),
      createdTo: query.timestamp('end_time') ?? query.timestamp('created_before'),
      completedFrom: query.timestamp('completed_after'),
      completedTo: query.timestamp('completed_before'),
      updatedFrom: query.timestamp('updated_after'),
      updatedTo: query.timestamp('updated_before'),
      reviewStatuses: query.commaListOf('customer_review_status', REVIEW_STATUSES),
      uniqueIds: query.list('unique_id'),
      tags: query.list('tags'),
      limit: query.integer('limit', { min: 1, max: MAX_PAGE_SIZE, clampMax: true }) ?? MAX_PAGE_SIZE,
      nextToken: query.string('next_token'),
      offset: query.integer('offset', { min: 0 }),
      includeAttachmentUrl: (query.boolean('include_attachment_url') ?? false) && !limited,
    });
    return presentTaskPage({
      docs: page.tasks.map((task) => (limited ? presentLimitedTask(task) : presentTask(task, page.links.get(task.id)))),
      total: page.total,
      limit: page.limit,
      offset: page.offset,
      hasMore: page.hasMore,
      nextToken: page.nextToken,
    });
  });

  app.post('/task/:id/cancel', { preValidation: emptyObject, schema: { summary: 'Cancel a task that has not started (clear_unique_id=true also frees its unique_id)', tags, params: TaskIdParams } }, async (request) => {
    const { id } = request.params as { id: string };
    const clearUniqueId = readQuery(request.query).boolean('clear_unique_id') ?? false;
    return presentTask(await tasks.cancel(request.caller, id, { clearUniqueId }));
  });

  app.post('/task/:id/audit', { preValidation: emptyObject, schema: { summary: 'Accept or reject a completed task', tags, params: TaskIdParams, body: AuditBody } }, async (request) => {
    const { id } = request.params as { id: string };
    return presentTask(await tasks.audit(request.caller, id, request.body));
  });

  app.post('/task/:id/unique_id', { preValidation: emptyObject, schema: { summary: "Change a task's unique_id", tags, params: TaskIdParams, body: UniqueIdBody } }, async (request) => {
    const { id } = request.params as { id: string };
    return presentTask(await tasks.setUniqueId(request.caller, id, request.body));
  });

  app.delete('/task/:id/unique_id', { schema: { summary: "Clear a task's unique_id", tags, params: TaskIdParams } }, async (request) => {
    const { id } = request.params as { id: string };
    return presentTask(await tasks.clearUniqueId(request.caller, id));
  });

  app.post('/task/:id/setMetadata', { preValidation: emptyObject, schema: { summary: "Replace a task's metadata", tags, params: TaskIdParams, body: MetadataBody } }, async (request) => {
    const { id } = request.params as { id: string };
    return presentTask(await tasks.setMetadata(request.caller, id, request.body));
  });

  const tagRoutes = [
    ['POST', 'set', "Set a task's tags to exactly the given list"],
    ['PUT', 'add', 'Add tags to a task (missing ones appended in order)'],
    ['DELETE', 'remove', 'Remove the given tags from a task'],
  ] as const;
  for (const [method, operation, summary] of tagRoutes) {
    app.route({
      method,
      url: '/task/:id/tags',
      preValidation: emptyList,
      schema: { summary, tags, params: TaskIdParams, body: TagsBody },
      handler: async (request) => {
        const { id } = request.params as { id: string };
        return presentTask(await tasks.changeTags(request.caller, id, operation, request.body));
      },
    });
  }

  for (const kind of ['evaluation', 'training'] as const) {
    app.post(
      `/${kind}_tasks/:type`,
      {
        preValidation: emptyObject,
        schema: { summary: `Create ${kind === 'evaluation' ? 'an evaluation (gold)' : 'a training'} task`, tags, params: TypeParams, body: QualityTaskBody },
      },
      async (request) => {
        const { type } = request.params as { type: string };
        return presentQualityTask(await qualityTasks.create(request.caller, kind, type, request.body, { idempotencyKey: idempotencyKey(request) }));
      },
    );
  }
}
