import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { createTask } from '../tasks/helpers.ts';
import { completeTask, ok, signedIn, type Browser } from './helpers.ts';

const BOX_RESPONSE = { annotations: [{ uuid: 'a1', type: 'box', label: 'car', left: 1, top: 2, width: 30, height: 40, attributes: {} }], global_attributes: {} };

/** Uploads a small PNG and answers its `tagwright://files/<id>` attachment (a server-held file gets a signed link). */
async function uploadedAttachment(server: Parameters<typeof createTask>[0]): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob(['<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'], { type: 'image/svg+xml' }), 'tiny.svg');
  const response = await server.request('POST', '/v1/files/upload', { rawBody: form });
  assert.equal(response.status, 200, response.text);
  return response.body.attachment_url;
}

describeEachDatabase('Dashboard audit answer', (dialect) => {
  const server = useTestServer(dialect);
  let manager: Browser;

  before(async () => {
    manager = await signedIn(server.current, `auditor-${dialect}@example.com`, 'manager');
  });

  it('answers accept, reject and fix with the signed attachment link, as the task detail has it, so the page keeps its image', async () => {
    const task = await createTask(server.current, 'imageannotation', { attachment: await uploadedAttachment(server.current) });
    await completeTask(server.current, task.task_id, BOX_RESPONSE);
    const detail = ok(await manager.call('GET', `/app/api/dashboard/tasks/${task.task_id}`));
    assert.match(detail.task.attachment_url, /\/files\//);
    for (const body of [{ result: 'accepted' }, { result: 'rejected' }, { result: 'fixed', response: BOX_RESPONSE }]) {
      const answer = ok(await manager.call('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, body));
      assert.equal(answer.task.customer_review_status, body.result);
      assert.match(answer.task.attachment_url ?? '', /\/files\//, `${body.result}: the audit answer carries the attachment link`);
      const image = await fetch(new URL(answer.task.attachment_url, server.current.url));
      assert.equal(image.status, 200, `${body.result}: the link loads`);
    }
  });

  it("records the teammate's measured time as audit_time_secs, and refuses a time that is not one", async () => {
    const task = await createTask(server.current, 'imageannotation');
    await completeTask(server.current, task.task_id, BOX_RESPONSE);
    const answer = ok(await manager.call('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { result: 'accepted', time_spent_secs: 41.6 }));
    assert.equal(answer.task.audits.at(-1).audit_time_secs, 42);
    for (const bad of [-1, 'soon', 1e9]) {
      const refused = await manager.call('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { result: 'rejected', time_spent_secs: bad });
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.match(refused.body.error, /time_spent_secs/);
    }
    // An API key's audit stays at 0 whatever it sends (contract 5.5: 0 for API audits).
    const byKey = ok(await server.current.request('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { body: { result: 'rejected', time_spent_secs: 30 } }));
    assert.equal(byKey.task.audits.at(-1).audit_time_secs, 0);
  });
});
