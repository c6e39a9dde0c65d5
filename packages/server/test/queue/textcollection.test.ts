import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { parseCsv } from '../../src/domain/csv.ts';
import { consensus, pairAgreement } from '../../src/services/consensus.ts';
import { addWorkers, assign, call, createProject, createTask, getTask, next, submit, unique } from './helpers.ts';

/**
 * A textcollection form with one field of every kind Scale documents. A field is required unless
 * `required: false` (as the workbench form has it): `summary` says so, `rating` by default.
 */
const FIELDS = [
  { type: 'text', field_id: 'summary', title: 'Summary', required: true, max_characters: 40 },
  { type: 'number', field_id: 'rating', title: 'Rating', min: 1, max: 5 },
  { type: 'boolean', field_id: 'spam', title: 'Spam?', required: false },
  {
    type: 'category',
    field_id: 'genre',
    title: 'Genre',
    required: false,
    max_choices: 2,
    choices: [{ label: 'Rock', value: 'rock', subchoices: [{ label: 'Punk', value: 'punk' }, { label: 'Metal', value: 'metal' }] }, { label: 'Jazz', value: 'jazz' }],
  },
  { type: 'datetime', field_id: 'heard_at', title: 'Heard at', required: false },
  { type: 'text', field_id: 'tags', title: 'Tags', max_responses_required: 3, required: false },
  {
    type: 'field_set',
    field_id: 'artist',
    title: 'Artist',
    required: false,
    fields: [
      { type: 'text', field_id: 'name', title: 'Name', required: true },
      { type: 'number', field_id: 'born', title: 'Born', required: false },
    ],
  },
  {
    type: 'field_set',
    field_id: 'tracks',
    title: 'Tracks',
    required: false,
    max_responses_required: 2,
    fields: [
      { type: 'text', field_id: 'title', title: 'Title' },
      { type: 'number', field_id: 'seconds', title: 'Seconds', required: false },
    ],
  },
];

const ANSWER = {
  annotations: {
    summary: 'A loud song',
    rating: 4,
    spam: false,
    genre: ['punk', 'jazz'],
    heard_at: '2024-05-01T10:20:00.000Z',
    tags: ['loud', 'fast'],
    artist: { name: 'The Band', born: 1990 },
    tracks: [{ title: 'One', seconds: 180 }, { title: 'Two', seconds: 200 }],
  },
};

const textTask = (project: string, fields: unknown[] = FIELDS) => ({ project, attachments: [{ type: 'text', content: 'A song.' }], fields });

describeEachDatabase('Textcollection responses', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_GOLD_RATE: '0' });

  it('saves a labeler answer as Scale returns it, {annotations: {field_id: value}}, of every field type', async () => {
    const project = unique('textcol');
    await createProject(server.current, { type: 'textcollection', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'textcollection', textTask(project));
    assert.equal(await submit(server.current, labeler, await next(server.current, labeler), ANSWER), 'completed');
    const done = await getTask(server.current, task.task_id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.response, ANSWER);
  });

  it('refuses a textcollection answer that is not of its fields, naming the field', async () => {
    const project = unique('textbad');
    await createProject(server.current, { type: 'textcollection', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'textcollection', textTask(project));
    const assignment = await next(server.current, labeler);
    const send = (response: unknown) => call(server.current, labeler, 'POST', `/tasks/${task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response, time_spent_secs: 1 });
    const withAnswer = (changes: Record<string, unknown>) => ({ annotations: { ...ANSWER.annotations, ...changes } });

    const cases: Array<[unknown, RegExp]> = [
      [{ fields: { summary: 'ok' } }, /Missing required parameter 'response\.annotations'/],
      [{ annotations: ['ok'] }, /'response\.annotations'/],
      [withAnswer({ mood: 'happy' }), /'response\.annotations\.mood'.*no field "mood"/],
      [withAnswer({ summary: '' }), /Missing required parameter 'response\.annotations\.summary'.*Summary/],
      [{ annotations: { summary: 'No rating' } }, /Missing required parameter 'response\.annotations\.rating'.*Rating/],
      [withAnswer({ summary: 12 }), /'response\.annotations\.summary': expected text/],
      [withAnswer({ summary: 'x'.repeat(41) }), /'response\.annotations\.summary'.*at most 40 characters/],
      [withAnswer({ rating: '4' }), /'response\.annotations\.rating': expected a number/],
      [withAnswer({ rating: 9 }), /'response\.annotations\.rating': must be at most 5/],
      [withAnswer({ spam: 'no' }), /'response\.annotations\.spam': expected true or false/],
      [withAnswer({ genre: 'jazz' }), /'response\.annotations\.genre': expected a list/],
      [withAnswer({ genre: ['rock'] }), /'response\.annotations\.genre'.*"rock" is not one of the field's choices/],
      [withAnswer({ genre: ['punk', 'metal', 'jazz'] }), /'response\.annotations\.genre': choose at most 2/],
      [withAnswer({ heard_at: 'yesterday' }), /'response\.annotations\.heard_at'.*date/],
      [withAnswer({ tags: 'loud' }), /'response\.annotations\.tags': expected a list of answers/],
      [withAnswer({ tags: ['a', 'b', 'c', 'd'] }), /'response\.annotations\.tags': allows at most 3/],
      [withAnswer({ tags: ['a', 7] }), /'response\.annotations\.tags\[1\]': expected text/],
      [withAnswer({ artist: 'The Band' }), /'response\.annotations\.artist': expected an object/],
      [withAnswer({ artist: { born: 1990 } }), /Missing required parameter 'response\.annotations\.artist\.name'/],
      [withAnswer({ artist: { name: 'X', born: 'then' } }), /'response\.annotations\.artist\.born': expected a number/],
      [withAnswer({ tracks: [{ title: 'One', seconds: 'long' }] }), /'response\.annotations\.tracks\[0\]\.seconds': expected a number/],
    ];
    for (const [response, message] of cases) {
      const refused = await send(response);
      assert.equal(refused.status, 400, JSON.stringify(response));
      assert.match(refused.body.error, message, JSON.stringify(response));
    }
    const minimal = await send({ annotations: { summary: 'Only the required ones', rating: 3 } });
    assert.equal(minimal.status, 200, minimal.text);
    assert.deepEqual((await getTask(server.current, task.task_id)).response, { annotations: { summary: 'Only the required ones', rating: 3 } });
  });

  it('keeps datacollection and transcription answers under fields', async () => {
    for (const type of ['datacollection', 'transcription']) {
      const project = unique(type);
      await createProject(server.current, { type, name: project });
      const [labeler] = await addWorkers(server.current, 1);
      await assign(server.current, [labeler], [project]);
      const task = await createTask(server.current, type, { project, attachment: 'https://cdn.example.com/shop.jpg', fields: { phone: 'Phone number' } });
      const assignment = await next(server.current, labeler);
      const wrong = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: { annotations: { phone: '555' } } });
      assert.equal(wrong.status, 400, wrong.text);
      assert.match(wrong.body.error, /'response\.fields'/);
      assert.equal(await submit(server.current, labeler, assignment, { fields: { phone: '555-0100' } }), 'completed');
      assert.deepEqual((await getTask(server.current, task.task_id)).response, { fields: { phone: '555-0100' } });
    }
  });

  it('lets a reviewer fix a textcollection answer in the same shape, and checks the fix', async () => {
    const project = unique('textfix');
    await createProject(server.current, { type: 'textcollection', name: project, params: { review: true } });
    const [labeler] = await addWorkers(server.current, 1);
    const [reviewer] = await addWorkers(server.current, 1, 'manager', 'reviewer');
    await assign(server.current, [labeler, reviewer], [project]);
    const task = await createTask(server.current, 'textcollection', textTask(project));
    assert.equal(await submit(server.current, labeler, await next(server.current, labeler), ANSWER), 'review');
    const review = await next(server.current, reviewer, 'kind=review');
    assert.deepEqual(review.response, ANSWER);
    const decide = (response: unknown) => call(server.current, reviewer, 'POST', `/tasks/${task.task_id}/review`, { lease_id: review.lease.lease_id, result: 'fixed', response });
    const badFix = await decide({ fields: ANSWER.annotations });
    assert.equal(badFix.status, 400);
    assert.match(badFix.body.error, /response\.annotations/);
    const fixedResponse = { annotations: { ...ANSWER.annotations, rating: 2 } };
    const fixed = await decide(fixedResponse);
    assert.equal(fixed.status, 200, fixed.text);
    assert.deepEqual((await getTask(server.current, task.task_id)).response, fixedResponse);
  });

  it('merges a textcollection consensus round into {annotations} by field', async () => {
    const project = unique('textvote');
    await createProject(server.current, { type: 'textcollection', name: project, pipeline: 'consensus_task', consensus_attempts: 3 });
    const labelers = await addWorkers(server.current, 3);
    await assign(server.current, labelers, [project]);
    const fields = [
      { type: 'text', field_id: 'title', title: 'Title' },
      { type: 'number', field_id: 'count', title: 'Count' },
    ];
    const task = await createTask(server.current, 'textcollection', textTask(project, fields));
    const answers = [
      { annotations: { title: 'The quick brown fox', count: 3 } },
      { annotations: { title: 'the quick brown fox!', count: 3 } },
      { annotations: { title: 'The quick brown fox', count: 4 } },
    ];
    const states: string[] = [];
    for (const [index, labeler] of labelers.entries()) states.push(await submit(server.current, labeler, await next(server.current, labeler), answers[index]));
    assert.deepEqual(states, ['queued', 'queued', 'completed']);
    assert.deepEqual((await getTask(server.current, task.task_id)).response, { annotations: { title: 'The quick brown fox', count: 3 } });
  });

  it('exports textcollection answers in the CSV field columns', async () => {
    const project = unique('textcsv');
    await createProject(server.current, { type: 'textcollection', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    await createTask(server.current, 'textcollection', textTask(project));
    await submit(server.current, labeler, await next(server.current, labeler), ANSWER);
    const exported = await server.current.request('GET', `/app/api/exports/tasks?format=csv&project=${project}`);
    assert.equal(exported.status, 200, exported.text);
    const rows: string[][] = [];
    for await (const record of parseCsv([exported.text])) rows.push(record.fields);
    const [header, row] = rows;
    const cell = (name: string) => row[header.indexOf(name)];
    assert.equal(cell('fields.summary'), 'A loud song');
    assert.equal(cell('fields.rating'), '4');
    assert.equal(cell('fields.spam'), 'false');
    assert.deepEqual(JSON.parse(cell('fields.genre')), ['punk', 'jazz']);
    assert.deepEqual(JSON.parse(cell('fields.artist')), { name: 'The Band', born: 1990 });
    assert.deepEqual(JSON.parse(cell('response')), ANSWER);
  });
});

describe('Textcollection agreement', () => {
  it('compares textcollection answers by field, field sets by their own fields', () => {
    const a = { annotations: { title: 'The quick brown fox', genre: ['rock'], artist: { name: 'Ada', born: 1990 } } };
    const b = { annotations: { title: 'the quick brown fox', genre: ['rock'], artist: { name: 'Ada', born: 1991 } } };
    assert.equal(pairAgreement('textcollection', {}, a, a), 1);
    // title 1, genre 1, artist (name 1 + born 0) / 2 = 0.5 → 2.5 / 3.
    assert.ok(Math.abs(pairAgreement('textcollection', {}, a, b) - 2.5 / 3) < 1e-9);
    const { merged } = consensus('textcollection', {}, [a, b, a]);
    assert.deepEqual(merged, a);
    assert.equal((merged as Record<string, unknown>).fields, undefined, 'no fields key appears in a textcollection merge');
  });
});
