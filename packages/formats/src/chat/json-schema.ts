import { ANNOTATION_TYPES, MESSAGE_ROLES, type AnnotationQuestion } from './shapes.ts';

/**
 * A JSON Schema (draft 2020-12) of a chat project's response (`GET /v2/schema`, task-types.md
 * §7.4): the v2 threads, with the project's annotation questions listed by key in each level's
 * description and their value shapes. Pure.
 */
export function chatResponseSchema(questions: readonly AnnotationQuestion[], title: string): Record<string, unknown> {
  const annotation = {
    type: 'object',
    required: ['id', 'key', 'type'],
    properties: {
      id: { type: 'string' },
      key: { type: 'string' },
      type: { enum: [...ANNOTATION_TYPES] },
      value: {},
      possible_values: { type: 'array' },
      title: { type: 'string' },
      description: { type: 'string' },
      labels: { type: 'array', items: { type: 'string' } },
      not_applicable: { type: 'boolean' },
      cannot_assess: { type: 'boolean' },
      justification: { type: 'string' },
      metadata: { type: 'object' },
    },
  };
  const asked = (scope: string) =>
    questions
      .filter((question) => question.scope === scope)
      .map((question) => `${question.key} (${question.type}${question.required === false ? '' : ', required'})`)
      .join('; ') || 'none';
  const annotations = (scope: string) => ({ type: 'array', items: { $ref: '#/$defs/annotation' }, description: `Questions asked per ${scope}: ${asked(scope)}.` });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    type: 'object',
    required: ['threads'],
    properties: {
      threads: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'turns', 'annotations'],
          properties: {
            id: { type: 'string' },
            annotations: annotations('thread'),
            submissions: { type: 'array', items: { type: 'object', properties: { submitted_at: { type: 'string', format: 'date-time' }, contributor_id: { type: 'string' } } } },
            turns: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'messages', 'annotations'],
                properties: {
                  id: { type: 'string' },
                  annotations: annotations('turn'),
                  rubrics: { type: 'array', items: { type: 'object' } },
                  messages: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['role', 'content', 'source_id', 'annotations'],
                      properties: {
                        role: { enum: [...MESSAGE_ROLES] },
                        source_id: { type: 'string' },
                        content: { type: 'object', properties: { text: { type: 'string' } } },
                        model_parameters: { type: 'object' },
                        rubric_evaluations: { type: 'array', items: { type: 'object' } },
                        annotations: annotations('message'),
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    $defs: { annotation },
  };
}
