// Run by pack-install.test.ts from a temporary project that installed the packed tarball: the
// same first calls through require(). Prints one JSON line for the test to check.
const sdk = require('@tagwright/sdk');
const { ScaleDuplicateResource, Tagwright, TaskType } = sdk;

async function main() {
  const { TAGWRIGHT_URL: url, PROJECT: projectName } = process.env;
  // No key passed: the client reads TAGWRIGHT_API_KEY itself. The default export is the client too.
  const client = new sdk.default({ baseUrl: `${url}/v1` });
  const created = await client.tasks.create(TaskType.Categorization, {
    project: projectName,
    attachment: 'https://example.com/pet-cjs.jpg',
    categories: ['cat', 'dog'],
    unique_id: `${projectName}-cjs`,
  });
  const readBack = await client.tasks.retrieve(created.task_id);
  const count = await client.tasks.count({ projectName });
  let missing = 'no error';
  try {
    await client.getTask('no-such-task');
  } catch (error) {
    missing = `${error.constructor.name} ${error.status}`;
  }
  console.log(JSON.stringify({ resolved: require.resolve('@tagwright/sdk'), sameClass: client instanceof Tagwright, taskId: created.task_id, readBack, count, missing, duplicateClass: typeof ScaleDuplicateResource }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
