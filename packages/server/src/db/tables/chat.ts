import type { Environment } from './projects_batches.ts';

/**
 * Row types of the chat migration (task-types.md §7, docs/chat.md). A completed chat task's
 * conversation is stored by part: threads → turns → messages, and every annotation as its own
 * row, so a thread of hundreds of turns is read and written by the part and `/v2/annotation`
 * finds an annotation by its id. JSON columns are text. Times are epoch milliseconds.
 */
export interface ChatThreadsTable {
  id: string;
  task_id: string;
  position: number;
  /** JSON `[{submitted_at, contributor_id}]`, or null. */
  submissions: string | null;
  created_at: number;
}

export interface ChatTurnsTable {
  id: string;
  task_id: string;
  thread_id: string;
  position: number;
  /** JSON `Rubric[]` (criteria with their nested annotations), or null. */
  rubrics: string | null;
}

export interface ChatMessagesTable {
  /** Internal: v2 messages have no id. */
  id: string;
  task_id: string;
  turn_id: string;
  position: number;
  role: string;
  source_id: string;
  /** JSON MessageContent (chunks keep their nested annotations). */
  content: string;
  model_parameters: string | null;
  rubric_evaluations: string | null;
  /** The model call that produced this answer (chat_generations.id), when a model did. */
  generation_id: string | null;
}

export interface ChatAnnotationsTable {
  /** The annotation's wire id (`an_…`). */
  id: string;
  task_id: string;
  account_id: string;
  environment: Environment;
  /** The thread, turn or message row it belongs to. */
  owner_id: string;
  /** 1 when it sits inside a chunk or a rubric (kept in that JSON; this row serves id lookups). */
  nested: number;
  position: number;
  /** JSON: the whole annotation. */
  body: string;
}

/** A model endpoint of a project (OpenAI-compatible chat completions). The key never leaves the server. */
export interface ChatModelEndpointsTable {
  id: string;
  account_id: string;
  environment: Environment;
  project_id: string;
  /** The `source_id` of its answers; unique in the project. */
  name: string;
  url: string;
  model: string;
  api_key: string | null;
  /** JSON object of request parameters (temperature, max_completion_tokens, top_p, …). */
  parameters: string;
  position: number;
  created_at: number;
  updated_at: number;
}

/** One model call made for a labeler: what was asked of which endpoint, and what came back. */
export interface ChatGenerationsTable {
  id: string;
  task_id: string;
  account_id: string;
  user_id: string | null;
  endpoint_id: string;
  source_id: string;
  model: string;
  /** JSON: the parameters sent (recorded as the message's model_parameters). */
  parameters: string;
  output: string;
  /** `streaming`, `done` or `error`. */
  status: string;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface ChatTables {
  chat_threads: ChatThreadsTable;
  chat_turns: ChatTurnsTable;
  chat_messages: ChatMessagesTable;
  chat_annotations: ChatAnnotationsTable;
  chat_model_endpoints: ChatModelEndpointsTable;
  chat_generations: ChatGenerationsTable;
}
