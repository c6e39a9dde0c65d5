// Loaded by pack-install.test.ts in headless Chromium as a page's module, with an import map
// pointing @tagwright/sdk at the installed package's dist/index.js: the README's first calls as a
// web page makes them. The test calls window.firstCalls and checks what it returns.
import { ScaleConnectionError, ScaleDuplicateResource, SDK_VERSION, Tagwright, TaskType } from '@tagwright/sdk';

window.firstCalls = async ({ url, apiKey, projectName, maxRetries }) => {
  const client = new Tagwright(apiKey, { baseUrl: `${url}/v1`, maxRetries });
  try {
    const project = await client.createProject({ projectName, taskType: TaskType.Categorization, params: { instruction: 'Cat or dog?' } });
    const created = await client.createTask(TaskType.Categorization, {
      project: project.name,
      attachment: 'https://example.com/pet-browser.jpg',
      categories: ['cat', 'dog'],
      unique_id: `${projectName}-browser`,
    });
    const readBack = await client.getTask(created.task_id);
    const listed = [];
    for await (const task of client.getTasks({ projectName })) listed.push(task.task_id);
    let duplicate = 'no error';
    try {
      await client.createTask(TaskType.Categorization, { project: project.name, attachment: 'https://example.com/x.jpg', categories: ['cat'], unique_id: `${projectName}-browser` });
    } catch (error) {
      duplicate = error instanceof ScaleDuplicateResource ? 'ScaleDuplicateResource' : String(error);
    }
    return { version: SDK_VERSION, secureContext: window.isSecureContext, project: project.name, taskId: created.task_id, readBack, listed, duplicate };
  } catch (error) {
    return { error: error instanceof ScaleConnectionError ? 'ScaleConnectionError' : String(error), cause: String(error.cause ?? error.message), secureContext: window.isSecureContext };
  }
};
