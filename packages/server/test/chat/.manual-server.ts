// Throwaway (not committed): a server with completed chat tasks for a by-hand run of the Python client.
import { startTestServer, TEST_KEY } from '../helpers/server.ts';
import { addWorkers, assign, createProject, next, submit } from '../queue/helpers.ts';
import { CHAT_PARAMS, completedConversation } from './fixtures.ts';

const server = await startTestServer('sqlite');
const project = 'pychat';
await createProject(server, { type: 'chat', name: project, params: CHAT_PARAMS, datasetId: 'ds_py' });
const [labeler] = await addWorkers(server, 1);
await assign(server, [labeler], [project]);
const batch = await server.request('POST', '/v1/batches', { body: { project, name: 'pybatch' } });
const created = await server.request('POST', '/v1/task/chat', { body: { project, batch: 'pybatch', template_variables: { a: 1 } } });
const conversation: any = completedConversation(3);
conversation.threads[0].turns[0].messages[2].model_parameters = { model: 'm', temperature: 0.5, max_completion_tokens: 10, top_p: 1, top_k: 3 };
conversation.threads[0].turns[0].messages[2].content.reasoning = [{ content: 'thinking' }];
conversation.threads[0].turns[0].messages[2].content.attachments = [{ url: 'https://example.com/x.png', mime_type: 'image/png', name: 'x.png' }];
const assignment = await next(server, labeler, `project=${project}`);
console.error('submit', await submit(server, labeler, assignment, conversation));
console.log(JSON.stringify({ url: server.url, task: created.body.task_id, batch: batch.body.id, live: 'live_00000000000000000000000000000001' }));
setInterval(() => {}, 1 << 30);
