import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { objectBody } from '../../domain/lenient.ts';
import { readQuery } from '../../http/query.ts';
import { emptyBodyAs } from '../../http/empty-body.ts';
import { presentV2Task, presentV2TaskPage } from '../../presenters/v2/task.presenter.ts';
import { V2_EXPANDABLE, readExpand } from '../../services/v2-references.ts';
import { V2_TASK_STATUSES } from '../../services/v2-task.service.ts';
import { batchRefOf, expandValues, idempotencyKeyOf, optsValues, pageOf, projectRefOf } from './common.ts';

const tags = ['v2 tasks'];
const field = (description: string) => Type.Optional(Type.Unknown({ description }));

const ChatTaskBody = Type.Object(
  {
    project_id: field('Id of a chat-family project (or give project_name, batch_id or batch_name).'),
    project_name: field('Name of a chat-family project.'),
    batch_id: field('Id of a batch of that project; with only a batch, the task belongs to its project.'),
    batch_name: field('Name of a batch of that project.'),
    template_variables: field('Object of template variables; stored in the task params.'),
    conversation: field('Tagwright: messages {role, content, source_id?} that open the thread (docs/chat.md).'),
    metadata: field('Object, default {}.'),
    callback_url: field('http(s) URL or email address notified on completion.'),
  },
  { additionalProperties: true },
);
const TaskMetadataBody = Type.Object(
  {
    task_id: Type.String({ description: 'The task id.' }),
    metadata: Type.Unknown({ description: 'The metadata object.' }),
    merge: field('true deep-merges into the stored metadata; false (default) replaces it.'),
  },
  { additionalProperties: true },
);

/** v2 tasks (contract 9.2): get, list, chat task creation, metadata with merge. */
export async function registerV2TaskRoutes(app: FastifyInstance): Promise<void> {
  const { v2, chat } = app.services;

  app.get('/task', { schema: { summary: 'Get a task (v2)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.task);
    const task = await v2.tasks.get(request.caller, query.string('task_id'));
    const [expansion, threads] = await Promise.all([
      v2.references.expansion(request.caller, expand, { projectIds: [task.project_id], batchIds: task.batch_id ? [task.batch_id] : [] }),
      chat.threadsOf([task], optsValues(query)),
    ]);
    return presentV2Task(task, expansion, threads);
  });

  app.get('/tasks', { schema: { summary: 'List the tasks of a project or batch (v2, next_token pages)', tags } }, async (request) => {
    const query = readQuery(request.query);
    const expand = readExpand(expandValues(query), V2_EXPANDABLE.task);
    const page = await v2.tasks.list(request.caller, {
      project: projectRefOf(query),
      batch: batchRefOf(query),
      status: query.oneOf('status', V2_TASK_STATUSES),
      completedFrom: query.timestamp('completed_after'),
      completedTo: query.timestamp('completed_before'),
      ...pageOf(query),
    });
    const [expansion, threads] = await Promise.all([
      v2.references.expansion(request.caller, expand, {
        projectIds: page.tasks.map((task) => task.project_id),
        batchIds: page.tasks.flatMap((task) => (task.batch_id ? [task.batch_id] : [])),
      }),
      chat.threadsOf(page.tasks, optsValues(query)),
    ]);
    return presentV2TaskPage(page.tasks, page.nextToken, expansion, threads);
  });

  app.post('/task/chat', { preValidation: emptyBodyAs(() => ({})), schema: { summary: 'Create a chat task (v2)', tags, body: ChatTaskBody } }, async (request) => {
    const task = await v2.tasks.createChat(request.caller, objectBody(request.body), { idempotencyKey: idempotencyKeyOf(request) });
    return presentV2Task(task);
  });

  app.post('/task/metadata', { schema: { summary: 'Set or merge task metadata (v2)', tags, body: TaskMetadataBody } }, async (request) => {
    return presentV2Task(await v2.tasks.setMetadata(request.caller, objectBody(request.body)));
  });
}
