/**
 * Types nobody can label are refused, not parked (issue 18): a live task of a type no workbench
 * editor serves answers 402 naming what can be labeled; test mode takes every type and answers as
 * created (contract 5.10), completed for every later read.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { LABELABLE_TASK_TYPES } from '../../src/families/index.ts';

const empty = { headers: { 'content-type': 'application/json' } };

describeEachDatabase('Task types that nobody can label', (dialect) => {
  const server = useTestServer(dialect);

  it('answers 402 for a live lidarannotation task, listing the types this server can have labeled', async () => {
    const response = await server.current.request('POST', '/v1/task/lidarannotation', { body: { attachment: 'https://a/1.jpg', labels: ['road'] } });
    assert.equal(response.status, 402, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), ['error', 'status_code']);
    assert.equal(response.body.status_code, 402);
    assert.match(response.body.error, /"lidarannotation" is not enabled/);
    for (const type of LABELABLE_TASK_TYPES) assert.ok(response.body.error.includes(type), type);
    const listed = await server.current.request('GET', '/v1/tasks?type=lidarannotation');
    assert.equal(listed.body.docs.length, 0, 'nothing was stored');
  });

  it('still runs the 400 checks before the 402: a live task without its required parameter names the parameter', async () => {
    const response = await server.current.request('POST', '/v1/task/segmentannotation', { body: { attachment: 'https://a/1.jpg' } });
    assert.equal(response.status, 400);
    assert.match(response.body.error, /'labels'/);
  });

  it('accepts audiotranscription (contract 5.2) in test mode, and answers 402 for a live one', async () => {
    const body = { attachment: 'https://a/clip.mp3', attachment_type: 'audio', verbatim: true };
    const test = await server.current.request('POST', '/v1/task/audiotranscription', { key: TEST_KEY, body });
    assert.equal(test.status, 200, test.text);
    assert.equal(test.body.type, 'audiotranscription');
    assert.deepEqual(test.body.params, body);
    const live = await server.current.request('POST', '/v1/task/audiotranscription', { body });
    assert.equal(live.status, 402, live.text);
    assert.match(live.body.error, /audiotranscription/);
    const noAttachment = await server.current.request('POST', '/v1/task/audiotranscription', { key: TEST_KEY, body: { attachment_type: 'audio' } });
    assert.equal(noAttachment.status, 400);
    assert.equal(noAttachment.body.error, 'Please provide an attachment or attachments parameter.');
  });

  it('answers a test-mode create as pending, then reads it completed; cancelling it is a 400 (both official suites)', async () => {
    const created = await server.current.request('POST', '/v1/task/categorization', { key: TEST_KEY, body: { attachment: 'https://a/1.jpg', categories: ['cat', 'dog'] } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.status, 'pending');
    assert.equal('response' in created.body, false);
    assert.equal('completed_at' in created.body, false);
    const read = await server.current.request('GET', `/v1/task/${created.body.task_id}`, { key: TEST_KEY });
    assert.equal(read.body.status, 'completed');
    assert.deepEqual(read.body.response, { category: 'cat' });
    assert.ok(read.body.completed_at >= read.body.created_at);
    const canceled = await server.current.request('POST', `/v1/task/${created.body.task_id}/cancel`, { key: TEST_KEY, ...empty });
    assert.equal(canceled.status, 400);
    assert.match(canceled.body.error, /completed/);
  });

  it('gives a test-mode textcollection task the live response shape, annotations keyed by field', async () => {
    const created = await server.current.request('POST', '/v1/task/textcollection', {
      key: TEST_KEY,
      body: { attachments: [{ type: 'text', content: 'hi' }], fields: [{ type: 'text', field_id: 'summary', title: 'Summary' }] },
    });
    assert.equal(created.status, 200, created.text);
    const read = await server.current.request('GET', `/v1/task/${created.body.task_id}`, { key: TEST_KEY });
    assert.deepEqual(read.body.response, { annotations: {} });
  });
});
