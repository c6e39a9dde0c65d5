import { InvalidRequest } from '../domain/errors.ts';
import { isPlainObject } from '../domain/lenient.ts';
import { familyOf } from '../families/index.ts';
import { asInvalidRequest } from './task-validation.ts';
import type { ResponseContext } from '../families/types.ts';

/**
 * Checks a submitted (or reviewer-fixed) response against its task type's shape (docs/app-api.md,
 * "Responses the workbench saves") and the task's params, through the task's family
 * (families/<id>/, `validateResponse`): geometries and labels the task offers, categories, field
 * ids, entity offsets into the text. A 400 names the first problem, with a path such as
 * `response.annotations[2].label`. Types the workbench cannot label only need an object.
 */
export function validateResponse(type: string, params: Record<string, unknown>, response: unknown, context?: ResponseContext): void {
  if (!isPlainObject(response)) throw new InvalidRequest("Invalid value for 'response': expected a JSON object.");
  const family = familyOf(type);
  if (family) asInvalidRequest(() => family.validateResponse(type, params, response, context));
}
