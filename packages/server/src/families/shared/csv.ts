import { isPlainObject } from '../../domain/lenient.ts';

/** The field answers most responses keep in `fields` (the CSV export's default `fields.<key>` columns). */
export function fieldAnswers(response: Record<string, unknown>): Record<string, unknown> | undefined {
  return isPlainObject(response.fields) ? response.fields : undefined;
}
