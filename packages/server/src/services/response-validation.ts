import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { CHAT_TASK_TYPES } from '../domain/task-types.ts';
import { checkChatResponse } from '../families/chat/validate.ts';
import { asInvalidRequest } from '../families/chat/errors.ts';

/**
 * Checks a submitted (or reviewer-fixed) response against its task type's shape (docs/app-api.md,
 * "Responses the workbench saves") and the task's params: geometries and labels the task offers,
 * categories, field ids, entity offsets into the text. A 400 names the first problem, with a path
 * such as `response.annotations[2].label`. Types the workbench cannot label only need an object.
 */
export function validateResponse(type: string, params: Record<string, unknown>, response: unknown): void {
  if (!isPlainObject(response)) throw invalid('response', 'expected a JSON object');
  const check = CHECKS[type];
  if (check) check(response, params);
}

type Check = (response: Record<string, unknown>, params: Record<string, unknown>) => void;

const CHECKS: Record<string, Check> = {
  imageannotation: checkImageAnnotation,
  annotation: (response, params) => checkLegacyShapes(response, params, 'box'),
  polygonannotation: (response, params) => checkLegacyShapes(response, params, 'polygon'),
  lineannotation: (response, params) => checkLegacyShapes(response, params, 'line'),
  pointannotation: (response, params) => checkLegacyShapes(response, params, 'point'),
  cuboidannotation: (response, params) => checkLegacyShapes(response, params, 'cuboid'),
  categorization: checkCategorization,
  textcollection: checkTextCollection,
  datacollection: (response, params) => checkFieldMap(response, params, false),
  transcription: (response, params) => checkFieldMap(response, params, true),
  documenttranscription: checkDocumentTranscription,
  namedentityrecognition: checkEntities,
  comparison: checkComparison,
  ...Object.fromEntries(CHAT_TASK_TYPES.map((type) => [type, (response: Record<string, unknown>, params: Record<string, unknown>) => asInvalidRequest(() => checkChatResponse(response, params))])),
};

function invalid(path: string, problem: string): InvalidRequest {
  return new InvalidRequest(`Invalid value for '${path}': ${problem}.`);
}

function annotationList(response: Record<string, unknown>): unknown[] {
  const annotations = response.annotations;
  if (annotations === undefined) throw new InvalidRequest("Missing required parameter 'response.annotations': an array of annotations (empty when there is nothing to label).");
  if (!Array.isArray(annotations)) throw invalid('response.annotations', 'expected an array');
  return annotations;
}

/** Every label name a list of `objects_to_annotate`/`labels` offers, nested subchoices included. */
function labelNames(list: unknown, nameKey = 'choice'): Set<string> | undefined {
  if (!Array.isArray(list)) return undefined;
  const names = new Set<string>();
  const visit = (entries: unknown[]) => {
    for (const entry of entries) {
      if (typeof entry === 'string') names.add(entry);
      else if (isPlainObject(entry)) {
        if (typeof entry[nameKey] === 'string') names.add(entry[nameKey] as string);
        if (Array.isArray(entry.subchoices)) visit(entry.subchoices);
      }
    }
  };
  visit(list);
  return names;
}

function checkLabel(annotation: Record<string, unknown>, path: string, allowed: Set<string> | undefined): void {
  if (typeof annotation.label !== 'string' || annotation.label === '') throw invalid(`${path}.label`, 'expected the label as a non-empty string');
  if (allowed && allowed.size > 0 && !allowed.has(annotation.label)) {
    throw invalid(`${path}.label`, `"${annotation.label}" is not one of the task's labels (${[...allowed].join(', ')})`);
  }
  if (annotation.attributes !== undefined && !isPlainObject(annotation.attributes)) throw invalid(`${path}.attributes`, 'expected an object');
}

function requireNumbers(annotation: Record<string, unknown>, path: string, keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof annotation[key] !== 'number' || !Number.isFinite(annotation[key])) throw invalid(`${path}.${key}`, 'expected a number');
  }
}

function checkVertices(annotation: Record<string, unknown>, path: string, minimum: number, maximum?: number): void {
  const vertices = annotation.vertices;
  if (!Array.isArray(vertices)) throw invalid(`${path}.vertices`, 'expected an array of {x, y} points');
  vertices.forEach((vertex, index) => {
    if (!isPlainObject(vertex)) throw invalid(`${path}.vertices[${index}]`, 'expected an {x, y} point');
    requireNumbers(vertex, `${path}.vertices[${index}]`, ['x', 'y']);
  });
  if (vertices.length < minimum) throw invalid(`${path}.vertices`, `needs at least ${minimum} points, got ${vertices.length}`);
  if (maximum !== undefined && vertices.length > maximum) throw invalid(`${path}.vertices`, `allows at most ${maximum} points, got ${vertices.length}`);
}

function checkGeometry(annotation: Record<string, unknown>, path: string, geometry: string, settings: Record<string, unknown>): void {
  const limit = (key: string) => (typeof settings[key] === 'number' ? (settings[key] as number) : undefined);
  switch (geometry) {
    case 'box':
      requireNumbers(annotation, path, ['left', 'top', 'width', 'height']);
      if ((annotation.width as number) < 0 || (annotation.height as number) < 0) throw invalid(path, 'a box needs a non-negative width and height');
      return;
    case 'polygon':
      return checkVertices(annotation, path, Math.max(3, limit('min_vertices') ?? 3), limit('max_vertices'));
    case 'line':
      return checkVertices(annotation, path, Math.max(2, limit('min_vertices') ?? 2), limit('max_vertices'));
    case 'ellipse':
      return checkVertices(annotation, path, 4, 4);
    case 'point':
      return requireNumbers(annotation, path, ['x', 'y']);
    case 'cuboid':
      checkVertices(annotation, path, 1);
      if (annotation.edges !== undefined && !Array.isArray(annotation.edges)) throw invalid(`${path}.edges`, 'expected an array of edges');
      return;
  }
}

function checkImageAnnotation(response: Record<string, unknown>, params: Record<string, unknown>): void {
  const geometries = isPlainObject(params.geometries) ? params.geometries : {};
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
    const geometry = annotation.type;
    if (typeof geometry !== 'string') throw invalid(`${path}.type`, `expected the geometry (${Object.keys(geometries).join(', ') || 'box'})`);
    const settings = geometries[geometry];
    if (!isPlainObject(settings)) throw invalid(`${path}.type`, `"${geometry}" is not a geometry this task asks for (${Object.keys(geometries).join(', ')})`);
    checkLabel(annotation, path, labelNames(settings.objects_to_annotate));
    checkGeometry(annotation, path, geometry, settings);
  });
  if (response.global_attributes !== undefined && !isPlainObject(response.global_attributes)) throw invalid('response.global_attributes', 'expected an object');
}

function checkLegacyShapes(response: Record<string, unknown>, params: Record<string, unknown>, geometry: string): void {
  const labels = labelNames(params.objects_to_annotate);
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
    checkLabel(annotation, path, labels);
    checkGeometry(annotation, path, geometry, params);
  });
}

function checkCategorization(response: Record<string, unknown>, params: Record<string, unknown>): void {
  const allowed = labelNames(params.categories);
  const category = response.category;
  const values = Array.isArray(category) ? category : [category];
  if (category === undefined) throw new InvalidRequest("Missing required parameter 'response.category': the chosen category.");
  if (Array.isArray(category) && params.allow_multiple !== true) throw invalid('response.category', 'this task takes one category, not a list');
  if (values.length === 0) throw invalid('response.category', 'choose at least one category');
  values.forEach((value) => {
    if (typeof value !== 'string') throw invalid('response.category', 'expected a category name (or a list of them when allow_multiple)');
    if (allowed && allowed.size > 0 && !allowed.has(value)) throw invalid('response.category', `"${value}" is not one of the task's categories (${[...allowed].join(', ')})`);
  });
}

function isFieldValue(value: unknown): boolean {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function fieldsObject(response: Record<string, unknown>): Record<string, unknown> {
  const fields = response.fields;
  if (fields === undefined) throw new InvalidRequest("Missing required parameter 'response.fields': an object of field answers.");
  if (!isPlainObject(fields)) throw invalid('response.fields', 'expected an object of field answers');
  for (const [key, value] of Object.entries(fields)) {
    if (!isFieldValue(value)) throw invalid(`response.fields.${key}`, 'expected a string, a number or a list of strings');
  }
  return fields;
}

/**
 * textcollection, as Scale returns it: `{"annotations": {field_id: value}}`, each value of its
 * field's type (TextField a string, NumberField a number, BooleanField a boolean, CategoryField a
 * list of chosen choice values, DatetimeField a date string, FieldSet an object of its child
 * fields), or a list of such values when the field's `max_responses_required` is above 1.
 */
function checkTextCollection(response: Record<string, unknown>, params: Record<string, unknown>): void {
  const annotations = response.annotations;
  if (annotations === undefined) throw new InvalidRequest("Missing required parameter 'response.annotations': an object of answers keyed by the task's field_ids.");
  if (!isPlainObject(annotations)) throw invalid('response.annotations', "expected an object of answers keyed by the task's field_ids");
  checkFieldAnswers(annotations, fieldDefinitions(params.fields), 'response.annotations');
}

function fieldDefinitions(fields: unknown): Record<string, unknown>[] {
  return Array.isArray(fields) ? fields.filter((field): field is Record<string, unknown> => isPlainObject(field) && typeof field.field_id === 'string') : [];
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Answers keyed by field_id against their definitions (the task's `fields`, or a FieldSet's). */
function checkFieldAnswers(answers: Record<string, unknown>, definitions: Record<string, unknown>[], path: string): void {
  const known = new Set(definitions.map((definition) => definition.field_id as string));
  if (known.size > 0) {
    for (const key of Object.keys(answers)) if (!known.has(key)) throw invalid(`${path}.${key}`, `the task has no field "${key}" (fields: ${[...known].join(', ')})`);
  }
  for (const definition of definitions) {
    const id = definition.field_id as string;
    const at = `${path}.${id}`;
    const value = answers[id];
    if (isBlank(value)) {
      // Required unless `required: false`, as the workbench form has it (Scale's fields take at least
      // `min_responses_required` answers, 1 by default).
      if (definition.required !== false) throw new InvalidRequest(`Missing required parameter '${at}': the field "${definition.title ?? id}" is required.`);
      continue;
    }
    const most = numberOf(definition.max_responses_required) ?? 1;
    if (most <= 1) {
      checkFieldValue(value, definition, at);
      continue;
    }
    if (!Array.isArray(value)) throw invalid(at, `expected a list of answers (the field takes up to ${most})`);
    const least = numberOf(definition.min_responses_required) ?? 1;
    if (value.length < least) throw invalid(at, `needs at least ${least} answers, got ${value.length}`);
    if (value.length > most) throw invalid(at, `allows at most ${most} answers, got ${value.length}`);
    value.forEach((item, index) => checkFieldValue(item, definition, `${at}[${index}]`));
  }
}

/** The selectable values of a CategoryField: leaves of `choices` (parents with subchoices only navigate). */
function choiceValues(choices: unknown, into: unknown[] = []): unknown[] {
  if (!Array.isArray(choices)) return into;
  for (const choice of choices) {
    if (typeof choice === 'string' || typeof choice === 'number' || typeof choice === 'boolean') into.push(choice);
    else if (isPlainObject(choice)) {
      if (Array.isArray(choice.subchoices) && choice.subchoices.length > 0) choiceValues(choice.subchoices, into);
      else if (choice.value !== undefined) into.push(choice.value);
    }
  }
  return into;
}

/** One answer of one field, by the field's type. Types Tagwright does not know take any JSON value. */
function checkFieldValue(value: unknown, definition: Record<string, unknown>, at: string): void {
  const type = typeof definition.type === 'string' ? definition.type.toLowerCase() : 'text';
  switch (type) {
    case 'text': {
      if (typeof value !== 'string') throw invalid(at, 'expected text (a string)');
      const min = numberOf(definition.min_characters);
      const max = numberOf(definition.max_characters);
      if (min !== undefined && value.length < min) throw invalid(at, `needs at least ${min} characters, got ${value.length}`);
      if (max !== undefined && value.length > max) throw invalid(at, `allows at most ${max} characters, got ${value.length}`);
      return;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(at, 'expected a number');
      const min = numberOf(definition.min);
      const max = numberOf(definition.max);
      if (min !== undefined && value < min) throw invalid(at, `must be at least ${min}`);
      if (max !== undefined && value > max) throw invalid(at, `must be at most ${max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(at, 'expected true or false');
      return;
    case 'datetime':
    case 'date':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalid(at, 'expected a date and time as an ISO 8601 string');
      return;
    case 'category': {
      if (!Array.isArray(value)) throw invalid(at, 'expected a list of the chosen choice values');
      const allowed = choiceValues(definition.choices);
      const least = numberOf(definition.min_choices) ?? 1;
      const most = numberOf(definition.max_choices) ?? 1;
      if (value.length < least) throw invalid(at, `choose at least ${least}, got ${value.length}`);
      if (value.length > most) throw invalid(at, `choose at most ${most}, got ${value.length}`);
      for (const chosen of value) {
        if (allowed.length > 0 && !allowed.some((option) => option === chosen)) {
          throw invalid(at, `${JSON.stringify(chosen)} is not one of the field's choices (${allowed.map((option) => JSON.stringify(option)).join(', ')})`);
        }
      }
      return;
    }
    case 'field_set':
    case 'fieldset':
      if (!isPlainObject(value)) throw invalid(at, 'expected an object of answers keyed by the field set\'s field_ids');
      checkFieldAnswers(value, fieldDefinitions(definition.fields), at);
      return;
  }
}

function checkFieldMap(response: Record<string, unknown>, params: Record<string, unknown>, repeatable: boolean): void {
  const fields = fieldsObject(response);
  const known = isPlainObject(params.fields) ? new Set(Object.keys(params.fields)) : undefined;
  if (known) for (const key of Object.keys(fields)) if (!known.has(key)) throw invalid(`response.fields.${key}`, `the task has no field "${key}" (fields: ${[...known].join(', ')})`);
  if (!repeatable || response.repeatable_fields === undefined) return;
  if (!Array.isArray(response.repeatable_fields)) throw invalid('response.repeatable_fields', 'expected an array with one object per row');
  response.repeatable_fields.forEach((row, index) => {
    if (!isPlainObject(row)) throw invalid(`response.repeatable_fields[${index}]`, 'expected an object of field answers');
  });
}

function checkDocumentTranscription(response: Record<string, unknown>): void {
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an annotation object');
    if (typeof annotation.text !== 'string') throw invalid(`${path}.text`, 'expected the transcribed text');
  });
}

function checkEntities(response: Record<string, unknown>, params: Record<string, unknown>): void {
  const text = typeof params.text === 'string' ? params.text : '';
  const labels = labelNames(params.labels, 'name');
  annotationList(response).forEach((annotation, index) => {
    const path = `response.annotations[${index}]`;
    if (!isPlainObject(annotation)) throw invalid(path, 'expected an entity object');
    const { start, end } = annotation;
    if (!Number.isInteger(start) || !Number.isInteger(end)) throw invalid(path, 'start and end must be whole character offsets');
    if ((start as number) < 0 || (end as number) <= (start as number) || (end as number) > text.length) {
      throw invalid(path, `needs 0 ≤ start < end ≤ ${text.length} (the length of the text)`);
    }
    checkLabel(annotation, path, labels);
    if (annotation.text !== undefined && annotation.text !== text.slice(start as number, end as number)) {
      throw invalid(`${path}.text`, `must equal the text between start and end ("${text.slice(start as number, end as number)}")`);
    }
  });
}

function checkComparison(response: Record<string, unknown>, params: Record<string, unknown>): void {
  const choices = Array.isArray(params.choices) ? params.choices.filter((choice): choice is string => typeof choice === 'string') : [];
  if (choices.length > 0) {
    if (response.choice === undefined) throw new InvalidRequest(`Missing required parameter 'response.choice': one of ${choices.join(', ')}.`);
    if (typeof response.choice !== 'string' || !choices.includes(response.choice)) throw invalid('response.choice', `expected one of ${choices.join(', ')}`);
  }
  if (isPlainObject(params.fields) && response.fields !== undefined) checkFieldMap(response, params, false);
}
