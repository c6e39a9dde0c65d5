// Run by pack-install.test.ts from a temporary project that installed the packed tarball: the
// first calls of the README, as ESM. Prints one JSON line for the test to check.
import { ScaleDuplicateResource, SDK_VERSION, Tagwright, TaskType } from '@tagwright/sdk';

const { TAGWRIGHT_URL: url, TAGWRIGHT_API_KEY: apiKey, PROJECT: projectName } = process.env;
const client = new Tagwright(apiKey, { baseUrl: `${url}/v1` });
const project = await client.createProject({ projectName, taskType: TaskType.Categorization, params: { instruction: 'Cat or dog?' } });
const created = await client.createTask(TaskType.Categorization, {
  project: project.name,
  attachment: 'https://example.com/pet-esm.jpg',
  categories: ['cat', 'dog'],
  unique_id: `${projectName}-esm`,
});
const readBack = await client.getTask(created.task_id);
const listed = [];
for await (const task of client.getTasks({ projectName })) listed.push(task.task_id);
let duplicate = 'no error';
try {
  await client.createTask(TaskType.Categorization, { project: project.name, attachment: 'https://example.com/x.jpg', categories: ['cat'], unique_id: `${projectName}-esm` });
} catch (error) {
  duplicate = error instanceof ScaleDuplicateResource ? 'ScaleDuplicateResource' : String(error);
}
console.log(JSON.stringify({ resolved: import.meta.resolve('@tagwright/sdk'), version: SDK_VERSION, project: project.name, taskId: created.task_id, readBack, listed, duplicate }));
