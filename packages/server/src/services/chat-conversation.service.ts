import type { Kysely } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { Caller } from './account.service.ts';
import type { Task } from '../repositories/task.repository.ts';
import type { ChatAnnotation, ChatMessage, ChatResponse, ChatSubmission, ChatThread } from '@tagwright/formats';
import { ChatRepository, lastRoundSubmitters } from '../repositories/chat.repository.ts';
import { conversationRows, threadsFromRows, v1Response } from '@tagwright/formats';
import { testThreads } from '@tagwright/formats';
import { CHAT_TASK_TYPES } from '../domain/task-types.ts';
import { InvalidRequest, NotFound } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { newId } from '../domain/ids.ts';
import { toIso } from '../domain/time.ts';

/** `opts` of the v2 task reads (task-types.md §7.4): what they add to the threads. */
export const V2_TASK_OPTS = ['annotation_details', 'attachment_details', 'model_parameters', 'submissions'] as const;
export type V2TaskOpt = (typeof V2_TASK_OPTS)[number];

/** Annotation keys sent only with `opts=annotation_details` (Tagwright decision, §7.4). */
const DETAIL_KEYS = ['title', 'description', 'labels', 'possible_values'] as const;

/** What the training exports read of a conversation: the model of each answer. */
export const TRAINING_OPTS: ReadonlySet<string> = new Set(['model_parameters']);

export function isChatTask(task: Pick<Task, 'type'>): boolean {
  return (CHAT_TASK_TYPES as readonly string[]).includes(task.type);
}

/**
 * The conversations of chat tasks (docs/chat.md): written by part when a chat task completes (the
 * labeler's `{threads}`, or the seeded turns in test mode), read back as v2 threads, and searched
 * for `/v2/annotation`. The task's own `response` becomes the v1 `{responses}` view of the same
 * conversation (task-types.md §7.1).
 */
export class ChatConversationService {
  constructor(private readonly db: Db) {}

  /**
   * Called by the task lifecycle inside the completing (or fixing) transaction: stores the
   * conversation as rows and answers the v1 response to keep on the task. Other types pass through.
   */
  /** Only chat tasks store their threads as rows. */
  recordsAsIs(task: Pick<Task, 'type'>): boolean {
    return !isChatTask(task);
  }

  async record(trx: Kysely<Database>, task: Task, response: unknown): Promise<unknown> {
    if (!isChatTask(task)) return response;
    const threads = isPlainObject(response) && Array.isArray(response.threads) ? (response as unknown as ChatResponse).threads : testThreads(task.params);
    const now = Date.now();
    const resolved = await this.resolveGenerations(trx, task, threads);
    const submitters = await lastRoundSubmitters(trx, task.id);
    const submissions: ChatSubmission[] | null =
      submitters.length > 0 ? submitters.map((entry) => ({ submitted_at: toIso(entry.submitted_at), contributor_id: entry.user_id })) : null;
    const rows = conversationRows({ threads: resolved }, (prefix) => `${prefix}_${newId(now)}`, submissions);
    await new ChatRepository(trx).replace(task, rows, now);
    return v1Response(resolved);
  }

  /**
   * A message produced by a model names its generation; the server checks it against the recorded
   * call (same task, finished, same source_id, unedited text) and records its model and parameters.
   */
  private async resolveGenerations(trx: Kysely<Database>, task: Task, threads: ChatThread[]): Promise<ChatThread[]> {
    const ids = threads.flatMap((thread) => thread.turns.flatMap((turn) => turn.messages.flatMap((message) => (message.generation_id ? [message.generation_id] : []))));
    if (ids.length === 0) return threads;
    const rows = await trx.selectFrom('chat_generations').select(['id', 'source_id', 'model', 'parameters', 'task_id', 'output', 'status']).where('id', 'in', ids).execute();
    const generations = new Map(rows.filter((row) => row.task_id === task.id).map((row) => [row.id, row]));
    return threads.map((thread) => ({
      ...thread,
      turns: thread.turns.map((turn) => ({
        ...turn,
        messages: turn.messages.map((message): ChatMessage => {
          if (!message.generation_id) return message;
          const generation = generations.get(message.generation_id);
          if (!generation || generation.status !== 'done') {
            throw new InvalidRequest(`Invalid value for 'generation_id': "${message.generation_id}" is not a finished model answer of task ${task.id}.`);
          }
          // The record says which model wrote this text: an edited answer is the labeler's, with its own source_id and no generation_id.
          if ((message.content.text ?? '') !== generation.output) {
            throw new InvalidRequest(`Invalid value for 'generation_id': the message text differs from what ${generation.source_id} answered; an edited answer carries no generation_id.`);
          }
          if (message.source_id !== generation.source_id) {
            throw new InvalidRequest(`Invalid value for 'source_id': the answer of generation ${generation.id} comes from "${generation.source_id}", not "${message.source_id}".`);
          }
          // The server's record, not the browser, says which model and parameters produced it.
          const parameters = JSON.parse(generation.parameters) as Record<string, unknown>;
          return { ...message, model_parameters: { model: generation.model, ...parameters } };
        }),
      })),
    }));
  }

  /** The v2 threads of each completed chat task in `tasks` (others get none), shaped by `opts`. */
  async threadsOf(tasks: ReadonlyArray<Pick<Task, 'id' | 'type' | 'status'>>, opts: ReadonlySet<string>): Promise<Map<string, ChatThread[]>> {
    const completed = tasks.filter((task) => isChatTask(task) && task.status === 'completed').map((task) => task.id);
    const rows = await new ChatRepository(this.db.kysely).load(completed);
    const result = new Map<string, ChatThread[]>();
    for (const [taskId, taskRows] of rows) result.set(taskId, threadsFromRows(taskRows).map((thread) => shapeThread(thread, opts)));
    return result;
  }

  /**
   * The response a reviewer's fix starts from (dashboard task detail): a completed chat task's
   * stored conversation as the `{threads}` the chat editor edits and a fix submits, since the task's
   * own `response` is only its v1 view. Other tasks: their response.
   */
  async editableResponse(task: Task): Promise<unknown> {
    if (!isChatTask(task) || task.status !== 'completed') return task.response;
    const rows = (await new ChatRepository(this.db.kysely).load([task.id])).get(task.id);
    if (!rows) return task.response;
    return { threads: threadsFromRows(rows).map(({ submissions: _submissions, ...thread }) => thread) };
  }

  /** `GET /v2/annotation`: an annotation of any level of a chat task of the caller's account and environment. */
  async annotation(caller: Caller, id: string): Promise<ChatAnnotation> {
    const found = await new ChatRepository(this.db.kysely).findAnnotation(caller.account.id, caller.environment, id);
    if (!found) throw new NotFound(`No annotation with id "${id}" exists.`);
    return found.annotation;
  }
}

/** Applies `opts` (§7.4): details, attachments, model parameters and submissions only when asked for. */
export function shapeThread(thread: ChatThread, opts: ReadonlySet<string>): ChatThread {
  const details = opts.has('annotation_details');
  const annotations = (list: ChatAnnotation[] | undefined): ChatAnnotation[] => (list ?? []).map((annotation) => (details ? annotation : withoutDetails(annotation)));
  const shaped: ChatThread = {
    id: thread.id,
    turns: thread.turns.map((turn) => {
      const wireTurn = {
        ...turn,
        messages: turn.messages.map((message) => {
          const { generation_id: _generation, model_parameters, ...rest } = message;
          const content = { ...rest.content };
          // Non-empty attachments break the official client (§7.6): only on request.
          if (!opts.has('attachment_details')) delete content.attachments;
          if (content.chunks) content.chunks = content.chunks.map((chunk) => ({ ...chunk, annotations: annotations(chunk.annotations) }));
          const wireMessage: ChatMessage = { ...rest, content, annotations: annotations(rest.annotations) };
          if (model_parameters && opts.has('model_parameters')) wireMessage.model_parameters = model_parameters;
          if (rest.rubric_evaluations) {
            wireMessage.rubric_evaluations = rest.rubric_evaluations.map((evaluation) => ({
              ...evaluation,
              annotations: annotations(evaluation.annotations),
              criteria_evaluations: evaluation.criteria_evaluations.map((entry) => ({ ...entry, annotations: annotations(entry.annotations) })),
            }));
          }
          return wireMessage;
        }),
        annotations: annotations(turn.annotations),
      };
      if (turn.rubrics) {
        wireTurn.rubrics = turn.rubrics.map((rubric) => ({
          ...rubric,
          criteria_definitions: rubric.criteria_definitions.map((criterion) => ({ ...criterion, annotations: annotations(criterion.annotations) })),
        }));
      }
      return wireTurn;
    }),
    annotations: annotations(thread.annotations),
  };
  if (thread.submissions && opts.has('submissions')) shaped.submissions = thread.submissions;
  return shaped;
}

function withoutDetails(annotation: ChatAnnotation): ChatAnnotation {
  const copy: Record<string, unknown> = { ...annotation };
  for (const key of DETAIL_KEYS) delete copy[key];
  return copy as unknown as ChatAnnotation;
}
