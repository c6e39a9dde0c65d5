import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consensus, pairAgreement, polygonIou } from '../../src/services/consensus.ts';

const box = (label: string, left: number, top: number, width: number, height: number) => ({ type: 'box', label, left, top, width, height });
const square = (x: number, y: number, size: number) => [
  { x, y },
  { x: x + size, y },
  { x: x + size, y: y + size },
  { x, y: y + size },
];
const geometries = { box: { objects_to_annotate: ['car', 'person'] } };

describe('Consensus agreement and merge', () => {
  it('measures polygon overlap as intersection over union, convex or not', () => {
    assert.ok(Math.abs(polygonIou(square(0, 0, 10), square(5, 0, 10)) - 1 / 3) < 0.01);
    assert.equal(polygonIou(square(0, 0, 10), square(20, 20, 5)), 0);
    const ell = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 10, y: 4 },
      { x: 4, y: 4 },
      { x: 4, y: 10 },
      { x: 0, y: 10 },
    ];
    assert.ok(Math.abs(polygonIou(ell, ell) - 1) < 1e-9);
    // The L covers 64 of the 100 units of its bounding square.
    assert.ok(Math.abs(polygonIou(ell, square(0, 0, 10)) - 0.64) < 0.01);
  });

  it('agrees on boxes matched by label at IoU 0.5 or more, and averages them when merging', () => {
    const a = { annotations: [box('car', 0, 0, 100, 50), box('person', 200, 0, 20, 60)] };
    const b = { annotations: [box('car', 4, 2, 100, 50), box('person', 202, 2, 20, 60)] };
    assert.equal(pairAgreement('imageannotation', { geometries }, a, b), 1);
    const result = consensus('imageannotation', { geometries }, [a, b]);
    assert.equal(result.agreement, 1);
    const merged = result.merged as { annotations: Array<Record<string, number>> };
    assert.equal(merged.annotations.length, 2);
    assert.deepEqual(
      merged.annotations.map((annotation) => [annotation.left, annotation.top]),
      [
        [2, 1],
        [201, 1],
      ],
    );
  });

  it('does not match boxes of different labels or that barely overlap', () => {
    const a = { annotations: [box('car', 0, 0, 100, 50)] };
    assert.equal(pairAgreement('imageannotation', { geometries }, a, { annotations: [box('person', 0, 0, 100, 50)] }), 0);
    assert.equal(pairAgreement('imageannotation', { geometries }, a, { annotations: [box('car', 60, 0, 100, 50)] }), 0);
    assert.equal(pairAgreement('imageannotation', { geometries }, { annotations: [] }, { annotations: [] }), 1);
  });

  it('keeps in the merge what at least half the attempts found and scores each attempt against it', () => {
    const shared = [box('car', 0, 0, 100, 50), box('car', 300, 0, 50, 50)];
    const a = { annotations: [...shared, box('person', 500, 500, 10, 30)] };
    const b = { annotations: shared };
    const c = { annotations: shared };
    const result = consensus('annotation', { objects_to_annotate: ['car', 'person'] }, [a, b, c]);
    const merged = result.merged as { annotations: unknown[] };
    assert.equal(merged.annotations.length, 2, 'the person only one labeler saw is dropped');
    assert.ok(result.agreement > 0.9 && result.agreement < 1);
  });

  it('matches categories exactly, as sets when several are allowed', () => {
    assert.equal(pairAgreement('categorization', {}, { category: 'cat' }, { category: 'cat' }), 1);
    assert.equal(pairAgreement('categorization', {}, { category: 'cat' }, { category: 'dog' }), 0);
    assert.equal(pairAgreement('categorization', {}, { category: ['a', 'b'] }, { category: ['b', 'a'] }), 1);
    const majority = consensus('categorization', {}, [{ category: 'cat' }, { category: 'dog' }, { category: 'cat' }]);
    assert.deepEqual(majority.merged, { category: 'cat' });
    assert.ok(Math.abs(majority.agreement - 2 / 3) < 1e-9);
    assert.equal(consensus('categorization', {}, [{ category: 'cat' }, { category: 'dog' }]).agreement, 0.5);
  });

  it('scores named entities by token-level F1 and merges them token by token', () => {
    const params = { text: 'Ada Lovelace met Charles Babbage in London.' };
    const full = { annotations: [{ start: 0, end: 12, label: 'PER', text: 'Ada Lovelace' }, { start: 36, end: 42, label: 'LOC', text: 'London' }] };
    const partial = { annotations: [{ start: 4, end: 12, label: 'PER', text: 'Lovelace' }, { start: 36, end: 42, label: 'LOC', text: 'London' }] };
    // Tokens: {Ada, Lovelace, London} vs {Lovelace, London}: F1 = 2·2 / (3 + 2).
    assert.ok(Math.abs(pairAgreement('namedentityrecognition', params, full, partial) - 0.8) < 1e-9);
    const merged = consensus('namedentityrecognition', params, [full, full, partial]).merged as { annotations: unknown[] };
    assert.deepEqual(merged.annotations, full.annotations);
    // Two adjacent entities of one label stay apart.
    const two = { annotations: [{ start: 0, end: 3, label: 'PER', text: 'Ada' }, { start: 4, end: 12, label: 'PER', text: 'Lovelace' }] };
    assert.deepEqual((consensus('namedentityrecognition', params, [two, two]).merged as { annotations: unknown[] }).annotations, two.annotations);
  });

  it('compares text fields by tokens and picks the most agreed answer per field', () => {
    const a = { fields: { title: 'The quick brown fox', count: 3 } };
    const b = { fields: { title: 'the quick brown fox!', count: 3 } };
    const c = { fields: { title: 'A slow dog', count: 4 } };
    assert.equal(pairAgreement('datacollection', {}, a, b), 1);
    assert.ok(pairAgreement('datacollection', {}, a, c) < 0.2);
    const result = consensus('datacollection', {}, [c, a, b]);
    assert.deepEqual((result.merged as { fields: Record<string, unknown> }).fields, { title: 'The quick brown fox', count: 3 });
    assert.ok(result.agreement < 0.8, 'one dissenting attempt out of three is below the default threshold');
  });

  it('requires exact equality for types without a specific measure', () => {
    assert.equal(pairAgreement('lidarannotation', {}, { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), 1);
    assert.equal(pairAgreement('lidarannotation', {}, { a: 1 }, { a: 2 }), 0);
  });
});
