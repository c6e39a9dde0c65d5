import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { CallbackReceiver, waitUntil } from './fixtures.ts';

describeEachDatabase('Delivery log retention', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_CALLBACK_SCHEDULE: '0.05' });
  let receiver: CallbackReceiver;
  after(async () => receiver?.close());

  it("forgets attempts and finished deliveries past the retention, keeping each subject's latest so it can still be redelivered", async () => {
    receiver = await CallbackReceiver.start();
    const created = await server.current.request('POST', '/v1/task/categorization', {
      key: TEST_KEY,
      body: { callback_url: receiver.url, attachment: 'https://example.com/cat.jpg', categories: ['cat', 'dog'] },
    });
    const taskId = created.body.task_id;
    await receiver.waitForRequests(1);
    const audited = await server.current.request('POST', `/v1/task/${taskId}/audit`, { key: TEST_KEY, body: { accepted: true } });
    assert.equal(audited.status, 200);
    await receiver.waitForRequests(2);
    const deliveries = () => server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`, { key: TEST_KEY });
    await waitUntil(async () => (await deliveries()).body.attempts.length === 2, { what: 'two attempts in the log' });

    const { callbacks } = server.current.server.services;
    assert.equal(await callbacks.purgeHistory(Date.now() - 60_000), 0, 'nothing is older than the cutoff yet');
    // Everything so far is older than a cutoff in the future: two attempts and the completion row go, the audit row stays.
    assert.equal(await callbacks.purgeHistory(Date.now() + 1, 1), 3);
    assert.deepEqual((await deliveries()).body.attempts, []);

    const redelivered = await server.current.request('POST', `/app/api/tasks/${taskId}/deliveries/redeliver`, { key: TEST_KEY });
    assert.equal(redelivered.status, 200);
    await receiver.waitForRequests(3);
    assert.deepEqual(JSON.parse(receiver.received[2].body).task.customer_review_status, 'accepted', 'the redelivery resends the latest event, the audit');
  });
});
