import { requireAttachment, requireFieldMap } from '../shared/params.ts';
import { invalid, isPlainObject, missing } from '../shared/problem.ts';

/** An attachment, and the fields to answer: textcollection's definitions, datacollection's map, transcription's map or rows. */
export function validateFieldsParams(type: string, params: Record<string, unknown>): void {
  requireAttachment(params);
  if (type === 'textcollection') requireFieldDefinitions(params);
  else if (type === 'datacollection') requireFieldMap(params, 'fields');
  else requireTranscriptionFields(params);
}

/** textcollection: `fields` is a non-empty array of field definitions, each with a `field_id`. */
function requireFieldDefinitions(params: Record<string, unknown>): void {
  const fields = params.fields;
  if (fields === undefined || fields === null) throw missing('fields', 'a non-empty array of field definitions');
  if (!Array.isArray(fields) || fields.length === 0) throw invalid('fields', 'expected a non-empty array of field definitions');
  fields.forEach((field, index) => {
    if (!isPlainObject(field) || typeof field.field_id !== 'string' || field.field_id.trim() === '') {
      throw invalid(`fields[${index}]`, "expected an object with a 'field_id' string");
    }
  });
}

/** transcription: `fields` and/or `repeatable_fields`, each an object of field key to description. */
function requireTranscriptionFields(params: Record<string, unknown>): void {
  for (const field of ['fields', 'repeatable_fields']) {
    const value = params[field];
    if (value !== undefined && value !== null && !isPlainObject(value)) {
      throw invalid(field, 'expected an object of field keys to descriptions');
    }
  }
  const hasFields = isPlainObject(params.fields) && Object.keys(params.fields).length > 0;
  const hasRepeatable = isPlainObject(params.repeatable_fields) && Object.keys(params.repeatable_fields).length > 0;
  if (!hasFields && !hasRepeatable) {
    throw missing('fields', "an object of field keys to descriptions (or 'repeatable_fields')");
  }
}
