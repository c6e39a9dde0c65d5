/** A chat project's questions and a completed conversation using every editable annotation type (task-types.md §7.3). */
export const QUESTIONS = [
  { key: 'preference', type: 'ranked_choices', scope: 'turn', title: 'Which answer is better?' },
  { key: 'ties', type: 'ranked_groups', scope: 'turn', required: false },
  { key: 'formatting', type: 'integer', scope: 'message', title: 'Response Formatting', possible_values: [1, 2, 3], labels: ['Major Issues', 'Minor Issues', 'No Issues'] },
  { key: 'harmful', type: 'boolean', scope: 'message', required: false },
  { key: 'topic', type: 'category', scope: 'thread', possible_values: ['science', 'other'], allow_not_applicable: true },
  { key: 'skills', type: 'category_multiple', scope: 'thread', possible_values: ['math', 'code', 'writing'], required: false },
  { key: 'notes', type: 'text', scope: 'thread', required: false, justification: 'optional' },
  { key: 'entities', type: 'labeled_text', scope: 'thread', required: false },
  { key: 'evidence', type: 'file', scope: 'thread', required: false, allow_external_urls: true },
  { key: 'weighting', type: 'rubric_criteria', scope: 'turn', required: false },
  { key: 'overall', type: 'rubric_rating', scope: 'turn', required: false },
];

export const CHAT_PARAMS = {
  annotations: QUESTIONS,
  rubric: { criteria: [{ criterion: 'Mentions qubits', weight: 2 }], scores: [0, 1, 2] },
  conversation: [{ role: 'system', content: 'You are a physics tutor.' }],
};

function answer(text: string, formatting: number) {
  return { role: 'assistant', content: { text }, annotations: [{ key: 'formatting', type: 'integer', value: formatting }] };
}

/** One turn: the system prompt (first turn only), the user's prompt, two model answers, a ranking and a rubric. */
function turn(index: number) {
  const messages: any[] = [];
  if (index === 0) messages.push({ role: 'system', source_id: 'system', content: { text: 'You are a physics tutor.' }, annotations: [] });
  messages.push({ role: 'user', source_id: 'user', content: { text: `Question ${index}` }, annotations: [] });
  messages.push({ ...answer(`Answer A${index} about qubits`, 3), source_id: 'model_a', rubric_evaluations: [{ criteria_evaluations: [{ criterion_definition_id: `c${index}`, score: 2, annotations: [] }], annotations: [], total_score: 2, percentage: 100 }] });
  messages.push({ ...answer(`Answer B${index}`, 2), source_id: 'model_b', rubric_evaluations: [{ criteria_evaluations: [{ criterion_definition_id: `c${index}`, score: 0, annotations: [] }], annotations: [], total_score: 0, percentage: 0 }] });
  return {
    messages,
    annotations: [
      { key: 'preference', type: 'ranked_choices', value: ['model_a', 'model_b'], justification: 'A mentions qubits.' },
      { key: 'ties', type: 'ranked_groups', value: [['model_a'], ['model_b']] },
      { id: `weight${index}`, key: 'weighting', type: 'rubric_criteria', value: { weight: 2 } },
      { key: 'overall', type: 'rubric_rating', value: { score: 3, color: 'green', justification: 'Good' }, metadata: { criteria: `weight${index}` } },
    ],
    rubrics: [{ criteria_definitions: [{ id: `c${index}`, criterion: 'Mentions qubits', weight: 2, annotations: [] }], max_total_score: 2 }],
  };
}

export function completedConversation(turns = 2) {
  const turnList = Array.from({ length: turns }, (_, index) => turn(index));
  // A chunked answer with a chunk-level annotation, found by /v2/annotation too.
  turnList[0].messages[2].content.chunks = [{ type: 'text', text: 'Answer A0', annotations: [{ key: 'chunk_ok', type: 'boolean', value: true }] }];
  return {
    threads: [
      {
        turns: turnList,
        annotations: [
          { key: 'topic', type: 'category', value: 'science', title: 'Topic', possible_values: ['science', 'other'] },
          { key: 'skills', type: 'category_multiple', value: ['math'] },
          { key: 'notes', type: 'text', value: 'Fine.' },
          { key: 'entities', type: 'labeled_text', value: [{ label: 'CONCEPT', text: 'qubit' }] },
          { key: 'evidence', type: 'file', value: [{ url: 'https://example.com/a.png', mime_type: 'image/png', name: 'a.png' }] },
        ],
      },
    ],
  };
}
