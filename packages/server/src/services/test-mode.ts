import { familyOf } from '../families/index.ts';

/**
 * The synthetic response a test-mode task is completed with (contract 5.10), from the task's
 * family (families/<id>/, `testResponse`). Only the shape is meaningful: Scale documents test
 * responses as placeholders.
 */
export function syntheticResponse(type: string, params: Record<string, unknown>): Record<string, unknown> {
  return familyOf(type)?.testResponse(type, params) ?? {};
}
