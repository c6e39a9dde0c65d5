// Type-checked (tsc --noEmit, no @types/node, DOM lib only) by pack-install.test.ts against the
// installed package's ESM declarations: the types are real, not `any`.
import { Tagwright, TaskType, ScaleDuplicateResource, type CategorizationResponse, type Task } from '@tagwright/sdk';

export async function firstCalls(baseUrl: string, apiKey: string): Promise<string> {
  const client = new Tagwright(apiKey, { baseUrl });
  const task: Task<CategorizationResponse> = await client.createTask(TaskType.Categorization, {
    attachment: 'https://example.com/cat.jpg',
    categories: ['cat', 'dog'],
  });
  const category: string | string[] | undefined = task.response?.category;
  // @ts-expect-error categories is a list of labels, not a number
  await client.createTask(TaskType.Categorization, { attachment: 'https://example.com/cat.jpg', categories: 5 });
  // @ts-expect-error there is no such method
  client.createTaskz();
  try {
    await client.getTask(task.task_id);
  } catch (error) {
    if (error instanceof ScaleDuplicateResource) return `duplicate: ${error.status ?? 0}`;
  }
  return `${task.task_id} ${String(category)}`;
}
