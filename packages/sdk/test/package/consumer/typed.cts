// The CommonJS declarations (index.d.cts), checked the same way through `import = require`.
import sdk = require('@tagwright/sdk');

export async function countTasks(baseUrl: string, apiKey: string): Promise<number> {
  const client = new sdk.Tagwright({ apiKey, baseUrl });
  const fromDefault: sdk.Tagwright = new sdk.default(apiKey);
  // @ts-expect-error count takes filters, not a string
  await fromDefault.tasks.count('pending');
  return client.tasks.count({ status: sdk.TaskStatus.Pending });
}
