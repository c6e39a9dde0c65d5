import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatAgreement } from '@tagwright/formats';
import { familyOf } from '../../src/families/index.ts';

const response = (ranking: string[], formatting: number, topic: string, score: number) => ({
  threads: [
    {
      annotations: [{ key: 'topic', type: 'category', value: topic }],
      turns: [
        {
          messages: [
            { role: 'user', source_id: 'user', content: { text: 'q' }, annotations: [] },
            { role: 'assistant', source_id: 'a', content: { text: 'x' }, annotations: [{ key: 'formatting', type: 'integer', value: formatting, possible_values: [1, 2, 3] }], rubric_evaluations: [{ criteria_evaluations: [{ criterion_definition_id: 'c1', score }], annotations: [] }] },
            { role: 'assistant', source_id: 'b', content: { text: 'y' }, annotations: [] },
            { role: 'assistant', source_id: 'c', content: { text: 'z' }, annotations: [] },
          ],
          annotations: [{ key: 'preference', type: 'ranked_choices', value: ranking }],
        },
      ],
    },
  ],
});

describe('chat agreement', () => {
  it('is 1 for identical answers and falls with each disagreeing slot by its measure', () => {
    const base = response(['a', 'b', 'c'], 3, 'science', 2);
    assert.equal(chatAgreement(base, base), 1);
    // One swapped pair of three (2 of 3 pairs agree), formatting 3 vs 2 on a 1..3 scale (0.5), topic differs (0), score 2 vs 1 (0.5).
    const other = response(['a', 'c', 'b'], 2, 'other', 1);
    assert.ok(Math.abs(chatAgreement(base, other) - (2 / 3 + 0.5 + 0 + 0.5) / 4) < 1e-9);
    assert.equal(chatAgreement({ threads: [{ turns: [], annotations: [] }] }, { threads: [{ turns: [], annotations: [] }] }), 1);
  });

  it('is what the chat family gives the consensus engine', () => {
    const family = familyOf('chat')!;
    const base = response(['a', 'b', 'c'], 3, 'science', 2);
    assert.equal(family.agreement!('chat', {}, base, response(['c', 'b', 'a'], 3, 'science', 2)), 3 / 4);
  });
});
