import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { CHAT_TASK_TYPES, type TaskType } from '../domain/task-types.ts';
import { checkChatParams } from '../families/chat/validate.ts';
import { asInvalidRequest } from '../families/chat/errors.ts';

/**
 * Per-type validation of a task's `params` after project parameters were merged in (contract
 * 4.1.2). Every type gets the common attachment rule; the types the Tagwright workbench can label
 * also get the checks that make a task labelable. Messages name the parameter to fix.
 * (Which fields each type requires beyond 4.1.2 is a Tagwright decision, listed in docs/tasks.md.)
 */
export function validateTaskParams(type: TaskType, params: Record<string, unknown>): void {
  checkAttachmentShapes(params);
  if (params.hypothesis !== undefined && params.hypothesis !== null && !isPlainObject(params.hypothesis)) {
    throw new InvalidRequest("Invalid value for 'hypothesis': expected an object (a pre-annotation in the task's response shape).");
  }
  if (type === 'namedentityrecognition') {
    requireNonEmptyString(params, 'text', 'the text to annotate');
    requireLabelList(params, 'labels', 'name');
    return;
  }
  if (CHAT_TASK_TYPES.includes(type)) return asInvalidRequest(() => checkChatParams(params));
  requireAttachment(params);
  TYPE_RULES[type]?.(params);
}

const TYPE_RULES: Partial<Record<TaskType, (params: Record<string, unknown>) => void>> = {
  imageannotation: requireGeometries,
  annotation: (params) => requireLabelList(params, 'objects_to_annotate', 'choice'),
  polygonannotation: (params) => requireLabelList(params, 'objects_to_annotate', 'choice'),
  lineannotation: (params) => requireLabelList(params, 'objects_to_annotate', 'choice'),
  pointannotation: (params) => requireLabelList(params, 'objects_to_annotate', 'choice'),
  segmentannotation: (params) => requireLabelList(params, 'labels', 'choice'),
  categorization: (params) => requireLabelList(params, 'categories', 'choice'),
  textcollection: requireFieldDefinitions,
  datacollection: (params) => requireFieldMap(params, 'fields'),
  transcription: requireTranscriptionFields,
  comparison: requireComparison,
};

/** Geometries an imageannotation task may ask for. */
export const GEOMETRY_KINDS = ['box', 'polygon', 'line', 'point', 'cuboid', 'ellipse'] as const;

function checkAttachmentShapes(params: Record<string, unknown>): void {
  if (params.attachment !== undefined && params.attachment !== null && typeof params.attachment !== 'string') {
    throw new InvalidRequest("Invalid value for 'attachment': expected a string (a URL, or the attachment_url of an uploaded file).");
  }
  if (params.attachments !== undefined && params.attachments !== null && !Array.isArray(params.attachments)) {
    throw new InvalidRequest("Invalid value for 'attachments': expected an array.");
  }
  if (params.attachment_type !== undefined && params.attachment_type !== null && typeof params.attachment_type !== 'string') {
    throw new InvalidRequest("Invalid value for 'attachment_type': expected a string such as image, text, pdf or website.");
  }
}

/** The common rule of 4.1.2: a non-empty `attachment` string or a non-empty `attachments` array. */
function requireAttachment(params: Record<string, unknown>): void {
  const single = typeof params.attachment === 'string' && params.attachment.trim() !== '';
  const several = Array.isArray(params.attachments) && params.attachments.length > 0;
  if (!single && !several) throw new InvalidRequest('Please provide an attachment or attachments parameter.');
}

function requireNonEmptyString(params: Record<string, unknown>, field: string, what: string): void {
  const value = params[field];
  if (value === undefined || value === null) throw new InvalidRequest(`Missing required parameter '${field}': ${what}.`);
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidRequest(`Invalid value for '${field}': expected a non-empty string (${what}).`);
}

/**
 * A non-empty array whose entries are strings or objects naming the label under `nameKey`
 * (Scale's LabelDescription objects, which may nest `subchoices`).
 */
function requireLabelList(params: Record<string, unknown>, field: string, nameKey: string, path = field): void {
  const value = params[field];
  if (value === undefined || value === null) throw new InvalidRequest(`Missing required parameter '${path}': a non-empty array of labels.`);
  if (!Array.isArray(value) || value.length === 0) throw new InvalidRequest(`Invalid value for '${path}': expected a non-empty array of labels.`);
  value.forEach((entry, index) => {
    const named = typeof entry === 'string' ? entry : isPlainObject(entry) ? entry[nameKey] : undefined;
    if (typeof named !== 'string' || named.trim() === '') {
      throw new InvalidRequest(`Invalid value for '${path}[${index}]': expected a non-empty string or an object with a '${nameKey}' string.`);
    }
  });
}

function requireGeometries(params: Record<string, unknown>): void {
  const geometries = params.geometries;
  if (geometries === undefined || geometries === null) {
    throw new InvalidRequest(`Missing required parameter 'geometries': an object with at least one of ${GEOMETRY_KINDS.join(', ')}.`);
  }
  if (!isPlainObject(geometries) || Object.keys(geometries).length === 0) {
    throw new InvalidRequest(`Invalid value for 'geometries': expected a non-empty object with at least one of ${GEOMETRY_KINDS.join(', ')}.`);
  }
  for (const [kind, geometry] of Object.entries(geometries)) {
    if (!(GEOMETRY_KINDS as readonly string[]).includes(kind)) {
      throw new InvalidRequest(`Invalid value for 'geometries': "${kind}" is not a geometry. Use ${GEOMETRY_KINDS.join(', ')}.`);
    }
    if (!isPlainObject(geometry)) throw new InvalidRequest(`Invalid value for 'geometries.${kind}': expected an object.`);
    requireLabelList(geometry, 'objects_to_annotate', 'choice', `geometries.${kind}.objects_to_annotate`);
  }
}

/** textcollection: `fields` is a non-empty array of field definitions, each with a `field_id`. */
function requireFieldDefinitions(params: Record<string, unknown>): void {
  const fields = params.fields;
  if (fields === undefined || fields === null) throw new InvalidRequest("Missing required parameter 'fields': a non-empty array of field definitions.");
  if (!Array.isArray(fields) || fields.length === 0) throw new InvalidRequest("Invalid value for 'fields': expected a non-empty array of field definitions.");
  fields.forEach((field, index) => {
    if (!isPlainObject(field) || typeof field.field_id !== 'string' || field.field_id.trim() === '') {
      throw new InvalidRequest(`Invalid value for 'fields[${index}]': expected an object with a 'field_id' string.`);
    }
  });
}

/** datacollection and transcription: an object of field key to description. */
function requireFieldMap(params: Record<string, unknown>, field: string): void {
  const value = params[field];
  if (value === undefined || value === null) throw new InvalidRequest(`Missing required parameter '${field}': an object of field keys to descriptions.`);
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw new InvalidRequest(`Invalid value for '${field}': expected a non-empty object of field keys to descriptions.`);
  }
}

function requireTranscriptionFields(params: Record<string, unknown>): void {
  for (const field of ['fields', 'repeatable_fields']) {
    const value = params[field];
    if (value !== undefined && value !== null && !isPlainObject(value)) {
      throw new InvalidRequest(`Invalid value for '${field}': expected an object of field keys to descriptions.`);
    }
  }
  const hasFields = isPlainObject(params.fields) && Object.keys(params.fields).length > 0;
  const hasRepeatable = isPlainObject(params.repeatable_fields) && Object.keys(params.repeatable_fields).length > 0;
  if (!hasFields && !hasRepeatable) {
    throw new InvalidRequest("Missing required parameter 'fields': an object of field keys to descriptions (or 'repeatable_fields').");
  }
}

/** comparison: at least two attachments to compare, and `fields` or `choices` to answer with. */
function requireComparison(params: Record<string, unknown>): void {
  if (!Array.isArray(params.attachments) || params.attachments.length < 2) {
    throw new InvalidRequest("Invalid value for 'attachments': a comparison task needs an array of at least two attachments.");
  }
  const hasFields = isPlainObject(params.fields) && Object.keys(params.fields).length > 0;
  const hasChoices = Array.isArray(params.choices) && params.choices.length > 0;
  if (params.fields !== undefined && params.fields !== null && !isPlainObject(params.fields)) {
    throw new InvalidRequest("Invalid value for 'fields': expected an object of field keys to descriptions.");
  }
  if (params.choices !== undefined && params.choices !== null && !Array.isArray(params.choices)) {
    throw new InvalidRequest("Invalid value for 'choices': expected an array.");
  }
  if (!hasFields && !hasChoices) throw new InvalidRequest("Missing required parameter 'fields' or 'choices': what the labeler answers about the attachments.");
}
