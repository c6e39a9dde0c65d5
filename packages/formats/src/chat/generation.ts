/**
 * The model relay of the app API (`POST /app/api/tasks/:id/generate`, docs/chat.md): what the
 * workbench sends and the summary the server's `done` event answers. Tagwright's shapes, not
 * Scale's; kept here so the server and the chat editor cannot drift apart.
 */

/** The request body: the conversation so far, ending with the user's message. */
export interface GenerateRequest {
  lease_id: string;
  endpoint: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant' | 'function'; content: string }>;
}

/** The `done` event of a generate stream. */
export interface GenerationSummary {
  generation_id: string;
  source_id: string;
  model_parameters: Record<string, unknown>;
  text: string;
  ok: boolean;
  error?: string;
  timed_out?: boolean;
}
