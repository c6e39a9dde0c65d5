import { labelNames, requireLabelList, type LabelDescription } from '../shared/labels.ts';
import { requireAttachment, type CommonTaskParams } from '../shared/params.ts';
import { invalid, missing } from '../shared/problem.ts';

export const CATEGORIZATION_TASK_TYPES = ['categorization'] as const;

export interface CategorizationParams extends CommonTaskParams {
  categories: LabelDescription[];
  allow_multiple?: boolean;
  category_ids?: Record<string, unknown>;
}

export interface CategorizationResponse {
  /** One category, or a list of them when the task allows several. */
  category?: string | string[];
  [key: string]: unknown;
}

/** An attachment to categorize and a non-empty list of `categories`. */
export function validateCategorizationParams(_type: string, params: Record<string, unknown>): void {
  requireAttachment(params);
  requireLabelList(params, 'categories', 'choice');
}

/** `category`: one of the task's categories, or a non-empty list of them when `allow_multiple`. */
export function validateCategorizationResponse(_type: string, params: Record<string, unknown>, response: Record<string, unknown>): void {
  const allowed = labelNames(params.categories);
  const category = response.category;
  const values = Array.isArray(category) ? category : [category];
  if (category === undefined) throw missing('response.category', 'the chosen category');
  if (Array.isArray(category) && params.allow_multiple !== true) throw invalid('response.category', 'this task takes one category, not a list');
  if (values.length === 0) throw invalid('response.category', 'choose at least one category');
  values.forEach((value) => {
    if (typeof value !== 'string') throw invalid('response.category', 'expected a category name (or a list of them when allow_multiple)');
    if (allowed && allowed.size > 0 && !allowed.has(value)) throw invalid('response.category', `"${value}" is not one of the task's categories (${[...allowed].join(', ')})`);
  });
}
