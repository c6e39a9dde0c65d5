/**
 * The v2 chat task tree (task-types.md §7.2, §7.3; the official client's v2 models are
 * authoritative). Pure types and constants: no I/O, no framework, so the server, the web editor
 * and the SDK can share them once packages/formats exists.
 */

export const MESSAGE_ROLES = ['system', 'user', 'assistant', 'function'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** Every annotation `type` the client knows (§7.3); anything else breaks it (§7.6). */
export const ANNOTATION_TYPES = [
  'boolean', 'integer', 'text', 'category', 'category_multiple', 'file', 'labeled_text',
  'ranked_choices', 'ranked_groups', 'rubric_criteria', 'rubric_rating', 'workspace_container',
] as const;
export type AnnotationType = (typeof ANNOTATION_TYPES)[number];

/** Types a labeler can answer in Tagwright: everything but `workspace_container` (no code sandbox, §7.3). */
export const EDITABLE_ANNOTATION_TYPES: readonly AnnotationType[] = ANNOTATION_TYPES.filter((type) => type !== 'workspace_container');

/** Where a question is asked (Tagwright decision, docs/chat.md): once per thread, per turn, or per message. */
export const ANNOTATION_SCOPES = ['thread', 'turn', 'message'] as const;
export type AnnotationScope = (typeof ANNOTATION_SCOPES)[number];

export interface ChatAnnotation {
  id?: string;
  key: string;
  type: AnnotationType;
  value?: unknown;
  possible_values?: unknown[];
  title?: string;
  description?: string;
  labels?: string[];
  not_applicable?: boolean;
  cannot_assess?: boolean;
  justification?: string;
  metadata?: { criteria?: unknown };
}

export interface CriterionDefinition {
  id?: string;
  criterion: string;
  weight?: number;
  annotations?: ChatAnnotation[];
}

export interface Rubric {
  criteria_definitions: CriterionDefinition[];
  max_total_score?: number;
}

export interface CriterionEvaluation {
  criterion_definition_id: string;
  score: number;
  annotations?: ChatAnnotation[];
}

export interface RubricEvaluation {
  criteria_evaluations: CriterionEvaluation[];
  annotations?: ChatAnnotation[];
  total_score?: number;
  percentage?: number;
}

export interface MessageChunk {
  type: string;
  text: string;
  annotations?: ChatAnnotation[];
}

export interface MessageContent {
  text?: string;
  reference_texts?: Array<{ content?: string; category?: string; url?: string }>;
  attachments?: Array<Record<string, unknown>>;
  chunks?: MessageChunk[];
  reasoning?: Array<{ content: string }>;
}

export interface ModelParameters {
  model?: string;
  temperature?: number;
  max_completion_tokens?: number;
  top_p?: number;
  top_k?: number;
}

export interface ChatMessage {
  role: MessageRole;
  source_id: string;
  content: MessageContent;
  annotations?: ChatAnnotation[];
  model_parameters?: ModelParameters;
  rubric_evaluations?: RubricEvaluation[];
  /**
   * Tagwright extension, only in what the workbench submits (never sent to API clients): the
   * server-side record of the model call that produced this answer, from which the server fills
   * `source_id` and `model_parameters` (docs/chat.md).
   */
  generation_id?: string;
}

export interface ChatTurn {
  id?: string;
  messages: ChatMessage[];
  annotations?: ChatAnnotation[];
  rubrics?: Rubric[];
}

export interface ChatSubmission {
  submitted_at: string;
  contributor_id: string;
}

export interface ChatThread {
  id?: string;
  turns: ChatTurn[];
  annotations?: ChatAnnotation[];
  submissions?: ChatSubmission[];
}

/** What the chat editor submits (and what attempts, drafts and fixes hold): the v2 threads. */
export interface ChatResponse {
  threads: ChatThread[];
}

/** One annotation question of a chat project (params `annotations`, Tagwright decision, docs/chat.md). */
export interface AnnotationQuestion {
  key: string;
  type: AnnotationType;
  scope: AnnotationScope;
  title?: string;
  description?: string;
  possible_values?: unknown[];
  labels?: string[];
  /** Default true: every thread, turn or message in scope must answer it (or mark it not applicable / cannot assess when allowed). */
  required?: boolean;
  /** Message scope only: which roles are asked (default `['assistant']`). */
  roles?: MessageRole[];
  allow_not_applicable?: boolean;
  allow_cannot_assess?: boolean;
  /** `required` asks for a justification with every answer; `optional` offers the field. */
  justification?: 'optional' | 'required';
  /** `file` questions: media types a labeler may attach (`image/png`, or `image/*`); any type when absent. */
  accept?: string[];
  /** `file` questions: how many files one answer may hold (1 to MAX_FILES_PER_ANSWER; default MAX_FILES_PER_ANSWER). */
  max_files?: number;
  /** `file` questions: a labeler may also give http(s) links to files elsewhere (default false: uploads to this server only). */
  allow_external_urls?: boolean;
}

/** The most files one `file` answer holds (docs/chat.md, File questions). */
export const MAX_FILES_PER_ANSWER = 20;

/** One entry of a `file` answer's value (§7.3 BasicFile, plus ImageFile's size, which the official client ignores). */
export interface AnswerFile {
  url: string;
  mime_type: string;
  name: string;
  file_size_in_bytes?: number;
}

/** Rubric set-up of a chat project (params `rubric`, Tagwright decision, docs/chat.md). */
export interface RubricConfig {
  /** Criteria every turn is rated against; the labeler may add more when `authoring` is true. */
  criteria?: Array<{ id?: string; criterion: string; weight?: number }>;
  authoring?: boolean;
  max_total_score?: number;
  /** Scores a criterion can get (default [0, 1]). */
  scores?: number[];
}
