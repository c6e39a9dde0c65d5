import {
  ANNOTATION_SCOPES, ANNOTATION_TYPES, EDITABLE_ANNOTATION_TYPES, MAX_FILES_PER_ANSWER, MESSAGE_ROLES,
  type AnnotationQuestion, type ChatAnnotation, type ChatMessage, type ChatResponse, type ChatThread, type ChatTurn, type MessageRole, type RubricConfig,
} from './shapes.ts';

import { invalid } from '../shared/problem.ts';

/*
 * Pure checks of chat shapes (task-types.md §7): the params of a chat task, and the threads a
 * labeler submits. Each failure is a FormatError naming the path to fix
 * (`response.threads[0].turns[2].messages[1].role`). Shared by the server (400s) and the workbench
 * (checks before submit).
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, problem: string): never {
  throw invalid(path, problem);
}

function optionalArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'expected an array');
  return value;
}

function optionalString(value: unknown, path: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') fail(path, 'expected a string');
}

function optionalBoolean(value: unknown, path: string): void {
  if (value !== undefined && value !== null && typeof value !== 'boolean') fail(path, 'expected true or false');
}

function optionalNumber(value: unknown, path: string): void {
  if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isFinite(value))) fail(path, 'expected a number');
}

// Params.

/** The chat params Tagwright reads (docs/chat.md): `annotations`, `rubric`, `conversation`, `template_variables`, `models`. */
export function checkChatParams(params: Json): void {
  if (params.template_variables !== undefined && params.template_variables !== null && !isObject(params.template_variables)) {
    fail('template_variables', 'expected a JSON object');
  }
  const keys = new Set<string>();
  optionalArray(params.annotations, 'annotations').forEach((question, index) => {
    checkQuestion(question, `annotations[${index}]`);
    const { key, scope } = question as unknown as AnnotationQuestion;
    if (keys.has(`${scope}:${key}`)) fail(`annotations[${index}].key`, `"${key}" is asked twice at ${scope} scope`);
    keys.add(`${scope}:${key}`);
  });
  if (params.rubric !== undefined && params.rubric !== null) checkRubricConfig(params.rubric, 'rubric');
  optionalArray(params.conversation, 'conversation').forEach((message, index) => checkSeedMessage(message, `conversation[${index}]`));
  optionalArray(params.models, 'models').forEach((name, index) => {
    if (typeof name !== 'string' || name.trim() === '') fail(`models[${index}]`, 'expected the name of one of the project\'s model endpoints');
  });
  if (params.answers_per_turn !== undefined && params.answers_per_turn !== null) {
    const count = params.answers_per_turn;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 8) fail('answers_per_turn', 'expected a whole number from 1 to 8');
  }
}

function checkQuestion(value: unknown, path: string): void {
  if (!isObject(value)) fail(path, 'expected a question object {key, type, scope}');
  if (typeof value.key !== 'string' || value.key.trim() === '') fail(`${path}.key`, 'expected a non-empty string');
  if (!(EDITABLE_ANNOTATION_TYPES as readonly unknown[]).includes(value.type)) {
    fail(`${path}.type`, `expected one of ${EDITABLE_ANNOTATION_TYPES.join(', ')} (workspace_container needs a code sandbox Tagwright does not have)`);
  }
  if (!(ANNOTATION_SCOPES as readonly unknown[]).includes(value.scope)) fail(`${path}.scope`, `expected one of ${ANNOTATION_SCOPES.join(', ')}`);
  for (const key of ['title', 'description']) optionalString(value[key], `${path}.${key}`);
  for (const key of ['required', 'allow_not_applicable', 'allow_cannot_assess']) optionalBoolean(value[key], `${path}.${key}`);
  if (value.justification !== undefined && value.justification !== null && value.justification !== 'optional' && value.justification !== 'required') {
    fail(`${path}.justification`, 'expected "optional" or "required"');
  }
  const possible = optionalArray(value.possible_values, `${path}.possible_values`);
  if (['category', 'category_multiple'].includes(value.type as string)) {
    if (possible.length === 0) fail(`${path}.possible_values`, `a ${value.type} question needs a non-empty array of strings`);
    possible.forEach((entry, index) => typeof entry !== 'string' && fail(`${path}.possible_values[${index}]`, 'expected a string'));
  }
  if (value.type === 'integer') possible.forEach((entry, index) => !Number.isInteger(entry) && fail(`${path}.possible_values[${index}]`, 'expected a whole number'));
  const labels = optionalArray(value.labels, `${path}.labels`);
  labels.forEach((entry, index) => typeof entry !== 'string' && fail(`${path}.labels[${index}]`, 'expected a string'));
  if (labels.length > 0 && labels.length !== possible.length) fail(`${path}.labels`, `expected one label per possible value (${possible.length})`);
  optionalArray(value.roles, `${path}.roles`).forEach((role, index) => {
    if (!(MESSAGE_ROLES as readonly unknown[]).includes(role)) fail(`${path}.roles[${index}]`, `expected one of ${MESSAGE_ROLES.join(', ')}`);
  });
  if ((value.accept !== undefined || value.max_files !== undefined || value.allow_external_urls !== undefined) && value.type !== 'file') {
    fail(path, 'accept, max_files and allow_external_urls belong to file questions');
  }
  optionalBoolean(value.allow_external_urls, `${path}.allow_external_urls`);
  optionalArray(value.accept, `${path}.accept`).forEach((entry, index) => {
    if (typeof entry !== 'string' || !MEDIA_PATTERN.test(entry)) fail(`${path}.accept[${index}]`, 'expected a media type such as "image/png" or "image/*"');
  });
  if (value.max_files !== undefined && value.max_files !== null) {
    const count = value.max_files;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_FILES_PER_ANSWER) fail(`${path}.max_files`, `expected a whole number from 1 to ${MAX_FILES_PER_ANSWER}`);
  }
}

const MEDIA_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i;

/** Whether a file's media type is one a question's `accept` list allows (`image/*` matches every image type); no list allows all. */
export function mediaTypeAccepted(mimeType: string, accept: readonly string[] | undefined): boolean {
  if (!accept || accept.length === 0) return true;
  const type = mimeType.split(';')[0].trim().toLowerCase();
  return accept.some((pattern) => {
    const wanted = pattern.toLowerCase();
    return wanted.endsWith('/*') ? type.startsWith(wanted.slice(0, -1)) : type === wanted;
  });
}

function checkRubricConfig(value: unknown, path: string): void {
  if (!isObject(value)) fail(path, 'expected an object {criteria, authoring, max_total_score, scores}');
  optionalArray(value.criteria, `${path}.criteria`).forEach((criterion, index) => {
    if (!isObject(criterion) || typeof criterion.criterion !== 'string' || criterion.criterion.trim() === '') {
      fail(`${path}.criteria[${index}]`, 'expected an object with a non-empty criterion string');
    }
    optionalNumber(criterion.weight, `${path}.criteria[${index}].weight`);
  });
  optionalBoolean(value.authoring, `${path}.authoring`);
  optionalNumber(value.max_total_score, `${path}.max_total_score`);
  optionalArray(value.scores, `${path}.scores`).forEach((score, index) => optionalNumber(score ?? NaN, `${path}.scores[${index}]`));
}

function checkSeedMessage(value: unknown, path: string): void {
  if (!isObject(value)) fail(path, 'expected a message {role, content}');
  if (!(MESSAGE_ROLES as readonly unknown[]).includes(value.role)) fail(`${path}.role`, `expected one of ${MESSAGE_ROLES.join(', ')}`);
  if (typeof value.content !== 'string' && !isObject(value.content)) fail(`${path}.content`, 'expected a string or an object {text}');
  if (isObject(value.content)) optionalString(value.content.text, `${path}.content.text`);
  optionalString(value.source_id, `${path}.source_id`);
}

// Responses.

/** The questions of a task, from its params (already checked by checkChatParams at creation). */
export function questionsOf(params: Json): AnnotationQuestion[] {
  return Array.isArray(params.annotations) ? (params.annotations as AnnotationQuestion[]) : [];
}

/**
 * A submitted chat response: `{threads}` in the v2 shape, every annotation well-formed for its
 * type, and every required question of the task answered where it is asked. Ids may be absent
 * (the server assigns them).
 */
export function checkChatResponse(response: unknown, params: Json, path = 'response'): asserts response is ChatResponse {
  if (!isObject(response)) fail(path, 'expected a JSON object {threads}');
  const threads = response.threads;
  if (!Array.isArray(threads) || threads.length === 0) fail(`${path}.threads`, 'expected a non-empty array of threads');
  const questions = questionsOf(params);
  threads.forEach((thread, index) => checkThread(thread, `${path}.threads[${index}]`, questions, params));
}

function checkThread(value: unknown, path: string, questions: AnnotationQuestion[], params: Json): void {
  if (!isObject(value)) fail(path, 'expected a thread {turns, annotations}');
  optionalString(value.id, `${path}.id`);
  const turns = optionalArray(value.turns, `${path}.turns`);
  if (turns.length === 0) fail(`${path}.turns`, 'expected at least one turn');
  turns.forEach((turn, index) => checkTurn(turn, `${path}.turns[${index}]`, questions, params));
  checkAnnotations(value.annotations, `${path}.annotations`, { questions, scope: 'thread' });
  optionalArray(value.submissions, `${path}.submissions`).forEach((submission, index) => {
    if (!isObject(submission)) fail(`${path}.submissions[${index}]`, 'expected {submitted_at, contributor_id}');
  });
}

function checkTurn(value: unknown, path: string, questions: AnnotationQuestion[], params: Json): void {
  if (!isObject(value)) fail(path, 'expected a turn {messages, annotations}');
  optionalString(value.id, `${path}.id`);
  const messages = optionalArray(value.messages, `${path}.messages`);
  if (messages.length === 0) fail(`${path}.messages`, 'expected at least one message');
  messages.forEach((message, index) => checkMessage(message, `${path}.messages[${index}]`, questions));
  const sources = new Set((messages as ChatMessage[]).map((message) => message.source_id));
  checkAnnotations(value.annotations, `${path}.annotations`, { questions, scope: 'turn', sources });
  const criterionIds = new Set<string>();
  optionalArray(value.rubrics, `${path}.rubrics`).forEach((rubric, index) => {
    const rubricPath = `${path}.rubrics[${index}]`;
    if (!isObject(rubric)) fail(rubricPath, 'expected {criteria_definitions, max_total_score}');
    optionalArray(rubric.criteria_definitions, `${rubricPath}.criteria_definitions`).forEach((criterion, position) => {
      const criterionPath = `${rubricPath}.criteria_definitions[${position}]`;
      if (!isObject(criterion) || typeof criterion.criterion !== 'string' || criterion.criterion.trim() === '') {
        fail(criterionPath, 'expected {id, criterion, weight} with a non-empty criterion');
      }
      optionalString(criterion.id, `${criterionPath}.id`);
      optionalNumber(criterion.weight, `${criterionPath}.weight`);
      if (typeof criterion.id === 'string') criterionIds.add(criterion.id);
      checkAnnotations(criterion.annotations, `${criterionPath}.annotations`, {});
    });
    optionalNumber(rubric.max_total_score, `${rubricPath}.max_total_score`);
  });
  const rubric = isObject(params.rubric) ? (params.rubric as RubricConfig) : undefined;
  (messages as ChatMessage[]).forEach((message, index) => {
    optionalArray(message.rubric_evaluations, `${path}.messages[${index}].rubric_evaluations`).forEach((evaluation, position) => {
      checkEvaluation(evaluation, `${path}.messages[${index}].rubric_evaluations[${position}]`, criterionIds, rubric);
    });
  });
}

function checkMessage(value: unknown, path: string, questions: AnnotationQuestion[]): void {
  if (!isObject(value)) fail(path, 'expected a message {role, content, source_id, annotations}');
  if (!(MESSAGE_ROLES as readonly unknown[]).includes(value.role)) fail(`${path}.role`, `expected one of ${MESSAGE_ROLES.join(', ')}`);
  if (typeof value.source_id !== 'string' || value.source_id.trim() === '') fail(`${path}.source_id`, 'expected a non-empty string (who wrote the message: user, or a model id)');
  if (!isObject(value.content)) fail(`${path}.content`, 'expected an object {text}');
  optionalString(value.content.text, `${path}.content.text`);
  optionalArray(value.content.reasoning, `${path}.content.reasoning`).forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.content !== 'string') fail(`${path}.content.reasoning[${index}]`, 'expected {content}');
  });
  optionalArray(value.content.chunks, `${path}.content.chunks`).forEach((chunk, index) => {
    if (!isObject(chunk) || typeof chunk.type !== 'string' || typeof chunk.text !== 'string') fail(`${path}.content.chunks[${index}]`, 'expected {type, text, annotations}');
    checkAnnotations(chunk.annotations, `${path}.content.chunks[${index}].annotations`, {});
  });
  optionalArray(value.content.attachments, `${path}.content.attachments`);
  optionalArray(value.content.reference_texts, `${path}.content.reference_texts`);
  if (value.model_parameters !== undefined && value.model_parameters !== null && !isObject(value.model_parameters)) fail(`${path}.model_parameters`, 'expected an object');
  optionalString(value.generation_id, `${path}.generation_id`);
  checkAnnotations(value.annotations, `${path}.annotations`, { questions, scope: 'message', role: value.role as MessageRole });
}

function checkEvaluation(value: unknown, path: string, criterionIds: Set<string>, rubric: RubricConfig | undefined): void {
  if (!isObject(value)) fail(path, 'expected {criteria_evaluations, annotations, total_score, percentage}');
  optionalArray(value.criteria_evaluations, `${path}.criteria_evaluations`).forEach((entry, index) => {
    const entryPath = `${path}.criteria_evaluations[${index}]`;
    if (!isObject(entry)) fail(entryPath, 'expected {criterion_definition_id, score, annotations}');
    if (typeof entry.criterion_definition_id !== 'string' || !criterionIds.has(entry.criterion_definition_id)) {
      fail(`${entryPath}.criterion_definition_id`, 'expected the id of one of the turn\'s rubric criteria');
    }
    if (typeof entry.score !== 'number' || !Number.isFinite(entry.score)) fail(`${entryPath}.score`, 'expected a number');
    if (rubric?.scores && rubric.scores.length > 0 && !rubric.scores.includes(entry.score)) fail(`${entryPath}.score`, `expected one of ${rubric.scores.join(', ')}`);
    checkAnnotations(entry.annotations, `${entryPath}.annotations`, {});
  });
  checkAnnotations(value.annotations, `${path}.annotations`, {});
  optionalNumber(value.total_score, `${path}.total_score`);
  optionalNumber(value.percentage, `${path}.percentage`);
}

interface AnnotationContext {
  questions?: AnnotationQuestion[];
  scope?: 'thread' | 'turn' | 'message';
  role?: MessageRole;
  /** The turn's source_ids, which ranked answers must name. */
  sources?: Set<string>;
}

function inScope(question: AnnotationQuestion, context: AnnotationContext): boolean {
  if (question.scope !== context.scope) return false;
  if (context.scope !== 'message') return true;
  return (question.roles ?? ['assistant']).includes(context.role as MessageRole);
}

function checkAnnotations(value: unknown, path: string, context: AnnotationContext): void {
  const list = optionalArray(value, path);
  const seen = new Set<string>();
  list.forEach((annotation, index) => {
    const annotationPath = `${path}[${index}]`;
    checkAnnotation(annotation, annotationPath, context.sources);
    const key = (annotation as ChatAnnotation).key;
    if (seen.has(key)) fail(`${annotationPath}.key`, `"${key}" is answered twice here`);
    seen.add(key);
    const question = context.questions?.find((entry) => entry.key === key && inScope(entry, context));
    if (question) checkAgainstQuestion(annotation as ChatAnnotation, question, annotationPath);
  });
  for (const question of context.questions ?? []) {
    if (question.required === false || !inScope(question, context)) continue;
    const answer = (list as ChatAnnotation[]).find((annotation) => annotation.key === question.key);
    if (!answer || (!hasValue(answer) && !answer.not_applicable && !answer.cannot_assess)) {
      fail(path, `the question "${question.title ?? question.key}" (key ${question.key}) needs an answer`);
    }
  }
}

function hasValue(annotation: ChatAnnotation): boolean {
  const value = annotation.value;
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function checkAgainstQuestion(annotation: ChatAnnotation, question: AnnotationQuestion, path: string): void {
  if (annotation.type !== question.type) fail(`${path}.type`, `the question ${question.key} is a ${question.type} question`);
  if (annotation.not_applicable && !question.allow_not_applicable) fail(`${path}.not_applicable`, `the question ${question.key} does not allow "not applicable"`);
  if (annotation.cannot_assess && !question.allow_cannot_assess) fail(`${path}.cannot_assess`, `the question ${question.key} does not allow "cannot assess"`);
  if (question.justification === 'required' && hasValue(annotation) && (typeof annotation.justification !== 'string' || annotation.justification.trim() === '')) {
    fail(`${path}.justification`, `the question ${question.key} needs a justification`);
  }
  if (question.type === 'file' && Array.isArray(annotation.value)) checkFilesAgainstQuestion(annotation.value as Json[], question, `${path}.value`);
  const allowed = question.possible_values;
  if (!allowed || allowed.length === 0 || annotation.value === undefined || annotation.value === null) return;
  const values = question.type === 'category_multiple' ? (annotation.value as unknown[]) : [annotation.value];
  for (const value of values) {
    if (!allowed.includes(value as never)) fail(`${path}.value`, `${JSON.stringify(value)} is not one of ${allowed.map((entry) => JSON.stringify(entry)).join(', ')}`);
  }
}

function checkFilesAgainstQuestion(files: Json[], question: AnnotationQuestion, path: string): void {
  const most = question.max_files ?? MAX_FILES_PER_ANSWER;
  if (files.length > most) fail(path, `the question ${question.key} takes at most ${most} file${most === 1 ? '' : 's'} (got ${files.length})`);
  files.forEach((file, index) => {
    if (!mediaTypeAccepted(String(file.mime_type), question.accept)) {
      fail(`${path}[${index}].mime_type`, `the question ${question.key} accepts ${question.accept!.join(', ')}, not ${String(file.mime_type)}`);
    }
  });
}

/**
 * A `file` answer's value: an array (one object breaks the official client, §7.6) of at most
 * MAX_FILES_PER_ANSWER files {url, mime_type, name, file_size_in_bytes?}, each url an absolute
 * http(s) URL. Which URLs a server accepts beyond that (its own uploads) is its own check.
 */
function checkFiles(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, 'expected an array of files {url, mime_type, name}');
  if (value.length > MAX_FILES_PER_ANSWER) fail(path, `at most ${MAX_FILES_PER_ANSWER} files an answer (got ${value.length})`);
  value.forEach((file, index) => {
    const filePath = `${path}[${index}]`;
    if (!isObject(file)) fail(filePath, 'expected a file {url, mime_type, name}');
    if (typeof file.url !== 'string' || !isHttpUrl(file.url)) fail(`${filePath}.url`, 'expected an absolute http(s) URL (the url the upload answered)');
    if (typeof file.mime_type !== 'string' || !MEDIA_PATTERN.test(file.mime_type.split(';')[0].trim()) || file.mime_type.includes('*')) {
      fail(`${filePath}.mime_type`, 'expected a media type such as "image/png"');
    }
    if (typeof file.name !== 'string' || file.name.trim() === '') fail(`${filePath}.name`, 'expected the file name (a non-empty string)');
    const size = file.file_size_in_bytes;
    if (size !== undefined && size !== null && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) fail(`${filePath}.file_size_in_bytes`, 'expected a whole number of bytes');
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** One annotation: id/key/type, and a value of its type's shape (§7.3); `null` or no value is allowed. */
export function checkAnnotation(value: unknown, path: string, sources?: Set<string>): void {
  if (!isObject(value)) fail(path, 'expected an annotation {key, type, value}');
  optionalString(value.id, `${path}.id`);
  if (typeof value.key !== 'string' || value.key.trim() === '') fail(`${path}.key`, 'expected a non-empty string');
  if (!(ANNOTATION_TYPES as readonly unknown[]).includes(value.type)) fail(`${path}.type`, `expected one of ${ANNOTATION_TYPES.join(', ')}`);
  if (value.type === 'workspace_container') fail(`${path}.type`, 'workspace_container annotations need a code sandbox Tagwright does not have');
  for (const key of ['title', 'description', 'justification']) optionalString(value[key], `${path}.${key}`);
  for (const key of ['not_applicable', 'cannot_assess']) optionalBoolean(value[key], `${path}.${key}`);
  optionalArray(value.labels, `${path}.labels`);
  optionalArray(value.possible_values, `${path}.possible_values`);
  if (value.metadata !== undefined && value.metadata !== null && !isObject(value.metadata)) fail(`${path}.metadata`, 'expected an object {criteria}');
  if (value.value === undefined || value.value === null) return;
  checkValue(value.type as string, value.value, `${path}.value`, sources);
}

function checkValue(type: string, value: unknown, path: string, sources?: Set<string>): void {
  const strings = (list: unknown, where: string) => {
    if (!Array.isArray(list) || list.some((entry) => typeof entry !== 'string')) fail(where, 'expected an array of strings');
    return list as string[];
  };
  switch (type) {
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, 'expected true or false');
      return;
    case 'integer':
      // The client refuses 3.0 (§7.6); JSON.stringify writes a whole number without a fraction.
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'expected a whole number');
      return;
    case 'text':
    case 'category':
      if (typeof value !== 'string') fail(path, 'expected a string');
      return;
    case 'category_multiple':
      strings(value, path);
      return;
    case 'file':
      checkFiles(value, path);
      return;
    case 'labeled_text':
      if (!Array.isArray(value) || value.some((span) => !isObject(span) || typeof span.label !== 'string' || typeof span.text !== 'string')) {
        fail(path, 'expected an array of {label, text}');
      }
      return;
    case 'ranked_choices': {
      const ranked = strings(value, path);
      if (new Set(ranked).size !== ranked.length) fail(path, 'a ranking names each choice once (use ranked_groups for ties)');
      if (sources) ranked.forEach((entry, index) => !sources.has(entry) && fail(`${path}[${index}]`, `"${entry}" is not the source_id of a message of this turn`));
      return;
    }
    case 'ranked_groups': {
      if (!Array.isArray(value)) fail(path, 'expected an array of groups (arrays of strings), best first');
      const all = value.flatMap((group, index) => strings(group, `${path}[${index}]`));
      if (new Set(all).size !== all.length) fail(path, 'each choice belongs to one group');
      if (sources) all.forEach((entry) => !sources.has(entry) && fail(path, `"${entry}" is not the source_id of a message of this turn`));
      return;
    }
    case 'rubric_criteria':
      if (!isObject(value)) fail(path, 'expected an object {weight, …}');
      optionalNumber(value.weight, `${path}.weight`);
      return;
    case 'rubric_rating':
      if (!isObject(value)) fail(path, 'expected an object {score, color, justification}');
      optionalNumber(value.score, `${path}.score`);
      optionalString(value.color, `${path}.color`);
      optionalString(value.justification, `${path}.justification`);
      return;
  }
}

/** Every annotation of a thread tree at any depth (thread, turn, message, chunk, rubric), for id lookups and counts. */
export function* allAnnotations(thread: ChatThread): Generator<ChatAnnotation> {
  yield* thread.annotations ?? [];
  for (const turn of thread.turns) yield* turnAnnotations(turn);
}

function* turnAnnotations(turn: ChatTurn): Generator<ChatAnnotation> {
  yield* turn.annotations ?? [];
  for (const rubric of turn.rubrics ?? []) for (const criterion of rubric.criteria_definitions) yield* criterion.annotations ?? [];
  for (const message of turn.messages) {
    yield* message.annotations ?? [];
    for (const chunk of message.content.chunks ?? []) yield* chunk.annotations ?? [];
    for (const evaluation of message.rubric_evaluations ?? []) {
      yield* evaluation.annotations ?? [];
      for (const entry of evaluation.criteria_evaluations) yield* entry.annotations ?? [];
    }
  }
}
