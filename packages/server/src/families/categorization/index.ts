import { CATEGORIZATION_TASK_TYPES, validateCategorizationParams, validateCategorizationResponse } from '@tagwright/formats';
import { isPlainObject } from '../../domain/lenient.ts';
import { canonical } from '../shared/agreement.ts';
import { fieldAnswers } from '../shared/csv.ts';
import type { TaskFamily } from '../types.ts';

/** The chosen category; a multi-category answer as a sorted list, so it compares as a set. */
function readCategory(response: unknown): unknown {
  if (!isPlainObject(response)) return response;
  const category = response.category;
  return Array.isArray(category) ? [...category].map(String).sort() : category;
}

/** The first category's label: a string entry as it is, a LabelDescription by its `choice` (or `label`). */
function firstCategory(categories: unknown): unknown {
  const first = Array.isArray(categories) ? categories[0] : undefined;
  if (isPlainObject(first)) return first.choice ?? first.label ?? first;
  return first ?? null;
}

/** Index of the first response of the most common answer, and its number of votes (ties: the answer seen first). */
function plurality(answers: readonly string[]): { index: number; votes: number } {
  const counts = new Map<string, { first: number; votes: number }>();
  answers.forEach((answer, index) => {
    const entry = counts.get(answer) ?? { first: index, votes: 0 };
    entry.votes += 1;
    counts.set(answer, entry);
  });
  let best = { index: 0, votes: 0 };
  for (const entry of counts.values()) if (entry.votes > best.votes) best = { index: entry.first, votes: entry.votes };
  return best;
}

/** One category (or several, with allow_multiple) per attachment. Answers agree when equal; a round takes the plurality. */
export const categorizationFamily: TaskFamily = {
  id: 'categorization',
  taskTypes: CATEGORIZATION_TASK_TYPES,
  labelable: CATEGORIZATION_TASK_TYPES,
  validateParams: validateCategorizationParams,
  validateResponse: validateCategorizationResponse,
  testResponse: (_type, params) => ({ category: firstCategory(params.categories) }),
  agreement: (_type, _params, a, b) => (canonical(readCategory(a)) === canonical(readCategory(b)) ? 1 : 0),
  merge: (_type, _params, responses) => responses[plurality(responses.map((response) => canonical(readCategory(response)))).index],
  csvCells: (_type, response) => ({ category: response.category, answers: fieldAnswers(response) }),
};
