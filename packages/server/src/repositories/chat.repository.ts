import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { ChatAnnotation } from '@tagwright/formats';
import type { ConversationRows } from '@tagwright/formats';

/** Rows per multi-row insert: well under PostgreSQL's 65,535 bind parameters at 10 columns a row. */
const INSERT_CHUNK = 500;

function parse<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * The stored conversations of chat tasks (threads, turns, messages, annotations). The only code
 * that builds SQL for these tables. To use it inside a transaction, construct one on the transaction.
 */
export class ChatRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Replaces a task's conversation with `rows` (a recompleted or fixed task keeps only its latest). */
  async replace(task: { id: string; account_id: string; environment: Environment }, rows: ConversationRows, now: number): Promise<void> {
    await this.delete(task.id);
    await this.insertChunked('chat_threads', rows.threads.map((thread) => ({ id: thread.id, task_id: task.id, position: thread.position, submissions: json(thread.submissions), created_at: now })));
    await this.insertChunked('chat_turns', rows.turns.map((turn) => ({ id: turn.id, task_id: task.id, thread_id: turn.thread_id, position: turn.position, rubrics: json(turn.rubrics) })));
    await this.insertChunked(
      'chat_messages',
      rows.messages.map((message) => ({
        id: message.id,
        task_id: task.id,
        turn_id: message.turn_id,
        position: message.position,
        role: message.role,
        source_id: message.source_id,
        content: JSON.stringify(message.content),
        model_parameters: json(message.model_parameters),
        rubric_evaluations: json(message.rubric_evaluations),
        generation_id: message.generation_id,
      })),
    );
    await this.insertChunked(
      'chat_annotations',
      rows.annotations.map((annotation) => ({
        id: annotation.id,
        task_id: task.id,
        account_id: task.account_id,
        environment: task.environment,
        owner_id: annotation.owner_id,
        nested: annotation.nested ? 1 : 0,
        position: annotation.position,
        body: JSON.stringify(annotation.body),
      })),
    );
  }

  private async delete(taskId: string): Promise<void> {
    // Children first: turns and messages reference their parents.
    await this.db.deleteFrom('chat_annotations').where('task_id', '=', taskId).execute();
    await this.db.deleteFrom('chat_messages').where('task_id', '=', taskId).execute();
    await this.db.deleteFrom('chat_turns').where('task_id', '=', taskId).execute();
    await this.db.deleteFrom('chat_threads').where('task_id', '=', taskId).execute();
  }

  private async insertChunked<T extends 'chat_threads' | 'chat_turns' | 'chat_messages' | 'chat_annotations'>(table: T, values: Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < values.length; start += INSERT_CHUNK) {
      await this.db.insertInto(table).values(values.slice(start, start + INSERT_CHUNK) as never).execute();
    }
  }

  /** The conversations of several tasks (one page of a list), four statements in all. */
  async load(taskIds: readonly string[]): Promise<Map<string, ConversationRows>> {
    const result = new Map<string, ConversationRows>();
    if (taskIds.length === 0) return result;
    const ids = [...taskIds];
    const [threads, turns, messages, annotations] = await Promise.all([
      this.db.selectFrom('chat_threads').selectAll().where('task_id', 'in', ids).execute(),
      this.db.selectFrom('chat_turns').selectAll().where('task_id', 'in', ids).execute(),
      this.db.selectFrom('chat_messages').selectAll().where('task_id', 'in', ids).execute(),
      this.db.selectFrom('chat_annotations').select(['task_id', 'id', 'owner_id', 'position', 'body']).where('task_id', 'in', ids).where('nested', '=', 0).execute(),
    ]);
    const of = (taskId: string): ConversationRows => {
      let rows = result.get(taskId);
      if (!rows) result.set(taskId, (rows = { threads: [], turns: [], messages: [], annotations: [] }));
      return rows;
    };
    for (const row of threads) of(row.task_id).threads.push({ id: row.id, position: Number(row.position), submissions: row.submissions === null ? null : parse(row.submissions) });
    for (const row of turns) of(row.task_id).turns.push({ id: row.id, thread_id: row.thread_id, position: Number(row.position), rubrics: row.rubrics === null ? null : parse(row.rubrics) });
    for (const row of messages) {
      of(row.task_id).messages.push({
        id: row.id,
        turn_id: row.turn_id,
        position: Number(row.position),
        role: row.role,
        source_id: row.source_id,
        content: parse(row.content),
        model_parameters: row.model_parameters === null ? null : parse(row.model_parameters),
        rubric_evaluations: row.rubric_evaluations === null ? null : parse(row.rubric_evaluations),
        generation_id: row.generation_id,
      });
    }
    for (const row of annotations) of(row.task_id).annotations.push({ id: row.id, owner_id: row.owner_id, nested: false, position: Number(row.position), body: parse(row.body) });
    return result;
  }

  /** One annotation by its wire id within an account and environment, with the task that holds it. */
  async findAnnotation(accountId: string, environment: Environment, id: string): Promise<{ taskId: string; annotation: ChatAnnotation } | undefined> {
    const row = await this.db
      .selectFrom('chat_annotations')
      .select(['task_id', 'body'])
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('environment', '=', environment)
      .executeTakeFirst();
    return row && { taskId: row.task_id, annotation: parse(row.body) };
  }

  /** Turns per task (dataset delivery metadata). */
  async turnCounts(taskIds: readonly string[]): Promise<number> {
    if (taskIds.length === 0) return 0;
    const row = await this.db.selectFrom('chat_turns').select((eb) => eb.fn.countAll<number>().as('count')).where('task_id', 'in', [...taskIds]).executeTakeFirst();
    return Number(row?.count ?? 0);
  }
}

/** The labelers of a task's last labeling round (their attempts), for `thread.submissions`. */
export async function lastRoundSubmitters(db: Kysely<Database>, taskId: string): Promise<Array<{ user_id: string; submitted_at: number }>> {
  const rows = await db
    .selectFrom('task_attempts')
    .select(['user_id', 'submitted_at', 'round'])
    .where('task_id', '=', taskId)
    .where('kind', '=', 'label')
    .orderBy('round', 'desc')
    .orderBy('submitted_at', 'asc')
    .execute();
  const last = rows[0]?.round;
  return rows.filter((row) => row.round === last).map((row) => ({ user_id: String(row.user_id), submitted_at: Number(row.submitted_at) }));
}
