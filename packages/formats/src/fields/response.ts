import { invalid, isPlainObject, missing } from '../shared/problem.ts';

/**
 * Field answers checked against the task's field definitions: textcollection's typed fields
 * (`annotations`), datacollection's and transcription's field maps (`fields`, and transcription's
 * `repeatable_fields` rows).
 */
export function validateFieldsResponse(type: string, params: Record<string, unknown>, response: Record<string, unknown>): void {
  if (type === 'textcollection') checkTextCollection(response, params);
  else checkFieldMap(response, params, type === 'transcription');
}

function isFieldValue(value: unknown): boolean {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function fieldsObject(response: Record<string, unknown>): Record<string, unknown> {
  const fields = response.fields;
  if (fields === undefined) throw missing('response.fields', 'an object of field answers');
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
  if (annotations === undefined) throw missing('response.annotations', "an object of answers keyed by the task's field_ids");
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
      if (definition.required !== false) throw missing(at, `the field "${definition.title ?? id}" is required`);
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

/** A field map response (`fields`, and `repeatable_fields` rows when `repeatable`) against the task's `fields` keys. */
export function checkFieldMap(response: Record<string, unknown>, params: Record<string, unknown>, repeatable: boolean): void {
  const fields = fieldsObject(response);
  const known = isPlainObject(params.fields) ? new Set(Object.keys(params.fields)) : undefined;
  if (known) for (const key of Object.keys(fields)) if (!known.has(key)) throw invalid(`response.fields.${key}`, `the task has no field "${key}" (fields: ${[...known].join(', ')})`);
  if (!repeatable || response.repeatable_fields === undefined) return;
  if (!Array.isArray(response.repeatable_fields)) throw invalid('response.repeatable_fields', 'expected an array with one object per row');
  response.repeatable_fields.forEach((row, index) => {
    if (!isPlainObject(row)) throw invalid(`response.repeatable_fields[${index}]`, 'expected an object of field answers');
  });
}

