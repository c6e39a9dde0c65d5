import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

/**
 * Chat tasks (task-types.md §7, docs/chat.md): the conversation of a completed chat task by part
 * (threads, turns, messages, annotations), the model endpoints a project names, and every model
 * call made for a labeler. Rows of one task are replaced together when the task is (re)completed.
 */
export function chatMigration(dialect: DialectHelpers): Migration {
  const time = dialect.timestampType;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('chat_threads')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('submissions', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('chat_threads_task').on('chat_threads').columns(['task_id', 'position']).execute();

      await db.schema
        .createTable('chat_turns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull().references('chat_threads.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('rubrics', 'text')
        .execute();
      await db.schema.createIndex('chat_turns_task').on('chat_turns').columns(['task_id', 'thread_id', 'position']).execute();

      await db.schema
        .createTable('chat_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('turn_id', 'text', (c) => c.notNull().references('chat_turns.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('model_parameters', 'text')
        .addColumn('rubric_evaluations', 'text')
        .addColumn('generation_id', 'text')
        .execute();
      await db.schema.createIndex('chat_messages_task').on('chat_messages').columns(['task_id', 'turn_id', 'position']).execute();

      await db.schema
        .createTable('chat_annotations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('nested', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('chat_annotations_task').on('chat_annotations').columns(['task_id', 'nested', 'owner_id', 'position']).execute();

      await db.schema
        .createTable('chat_model_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('api_key', 'text')
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('chat_model_endpoints_name').on('chat_model_endpoints').columns(['project_id', 'name']).unique().execute();

      await db.schema
        .createTable('chat_generations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('finished_at', time)
        .execute();
      await db.schema.createIndex('chat_generations_task').on('chat_generations').columns(['task_id', 'created_at']).execute();
    },
  };
}
