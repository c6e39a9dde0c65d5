import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { CallbackReceiver, hmacHex, waitUntil } from './fixtures.ts';

describeEachDatabase('Callbacks through the v1 API', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_CALLBACK_SCHEDULE: '0.05,0.05' });
  let receiver: CallbackReceiver;
  after(async () => receiver?.close());

  it('POSTs the completed test-mode task to its callback_url with the test callback key, and the task reports callback_succeeded', async () => {
    receiver = await CallbackReceiver.start((_request, index) => (index === 0 ? { status: 500 } : { status: 200 }));
    const created = await server.current.request('POST', '/v1/task/categorization', {
      key: TEST_KEY,
      body: { callback_url: receiver.url, attachment: 'https://example.com/cat.jpg', categories: ['cat', 'dog'], metadata: { ref: 'e2e' } },
    });
    assert.equal(created.status, 200);
    const taskId = created.body.task_id;
    assert.equal(created.body.status, 'pending', 'the create answer shows the task as created (contract 5.10); it completes in the same request');

    await waitUntil(async () => (await server.current.request('GET', `/v1/task/${taskId}`, { key: TEST_KEY })).body.callback_succeeded === true, { what: 'callback_succeeded: true on the task' });
    assert.equal(receiver.received.length, 2);
    const caller = (await server.current.server.services.accounts.authenticate(TEST_KEY))!;
    const delivered = receiver.received[1];
    assert.equal(delivered.headers['scale-callback-auth'], caller.account.callback_auth_key_test);
    assert.equal(delivered.headers['x-tagwright-signature'], `sha256=${hmacHex(delivered.body, caller.account.callback_auth_key_test)}`);
    const body = JSON.parse(delivered.body);
    assert.equal(body.task_id, taskId);
    assert.equal(body.status, 'completed');
    assert.equal(body.task.task_id, taskId);
    assert.deepEqual(body.task.metadata, { ref: 'e2e' });
    assert.deepEqual(body.response, body.task.response);
    assert.equal('callback_succeeded' in body.task, false, 'the body shows the task as it stood before this delivery');

    const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`, { key: TEST_KEY });
    assert.deepEqual(log.body.attempts.map((attempt: any) => attempt.status_code), [200, 500]);
  });
});
