/**
 * The two processes of bench/chat.bench.ts, chosen by argv[2]: `model` starts the fake
 * OpenAI-compatible streaming model (packages/server/test/helpers/fake-model.ts) and prints its URL;
 * `server <model url>` starts a Tagwright server (SQLite) with a chat project whose endpoint is that
 * model, a labeler holding a lease on a chat task, and prints what the bench needs to call generate.
 */
import { startFakeModel } from '../packages/server/test/helpers/fake-model.ts';
import { startTestServer } from '../packages/server/test/helpers/server.ts';
import { addWorkers, assign, createProject, next } from '../packages/server/test/queue/helpers.ts';

const mode = process.argv[2];
if (mode === 'model') {
  const model = await startFakeModel();
  console.log(JSON.stringify({ url: model.url }));
} else {
  const modelUrl = process.argv[3];
  const server = await startTestServer('sqlite', { TAGWRIGHT_RATE_LIMIT_PER_MINUTE: '0' });
  await createProject(server, { type: 'chat', name: 'bench-chat', params: null });
  const put = await server.request('PUT', '/app/api/projects/bench-chat/model-endpoints/bench', { body: { url: modelUrl, model: process.env.BENCH_MODEL ?? 'count-200' } });
  if (put.status !== 200) throw new Error(put.text);
  const [labeler] = await addWorkers(server, 1);
  await assign(server, [labeler], ['bench-chat']);
  await server.request('POST', '/v1/task/chat', { body: { project: 'bench-chat' } });
  const assignment = await next(server, labeler, 'project=bench-chat');
  console.log(JSON.stringify({ url: server.url, taskId: assignment.task.task_id, leaseId: assignment.lease.lease_id, cookie: labeler.cookie, csrf: labeler.csrfToken }));
}
