import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  ScaleDuplicateResource,
  ScaleInvalidRequest,
  ScaleResourceNotFound,
  TaskReviewStatus,
  TaskStatus,
  TaskType,
  type CategorizationParams,
} from '../../src/index.ts';
import { TEST_KEY, describeEachDatabase, plainName, uniqueName, useSdkServer } from '../helpers/server.ts';

/** A fetch that forwards to the real server but hides the answer of the first matching request behind a 503, as a lost response. */
function losingFirstAnswer(matches: (url: string, init?: RequestInit) => boolean): typeof fetch {
  let lost = false;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (!lost && matches(String(input), init)) {
      lost = true;
      await response.arrayBuffer();
      return new Response(JSON.stringify({ status_code: 503, error: 'response lost on the way' }), { status: 503, headers: { 'content-type': 'application/json' } });
    }
    return response;
  }) as typeof fetch;
}

describeEachDatabase('SDK tasks against a real server', (dialect) => {
  const api = useSdkServer(dialect);

  async function project(client = api.current.test): Promise<string> {
    const name = uniqueName('task project');
    await client.createProject({ projectName: name, taskType: TaskType.Categorization });
    return name;
  }
  const categorization = (projectName: string, extra: Partial<CategorizationParams> = {}): CategorizationParams => ({
    project: projectName,
    attachment: 'https://example.com/cat.jpg',
    attachment_type: 'image',
    categories: ['cat', 'dog'],
    ...extra,
  });

  it('createTask with a test key answers the task as created, and getTask reads it back completed with a synthetic response', async () => {
    const projectName = await project();
    const task = await api.current.test.createTask(TaskType.Categorization, categorization(projectName, { instruction: 'Pick one.', metadata: { n: 1 } }));
    assert.equal(task.type, 'categorization');
    // Contract 5.10: pending in the create answer, completed for every later read.
    assert.equal(task.status, TaskStatus.Pending);
    assert.equal(task.project, projectName);
    assert.deepEqual(task.metadata, { n: 1 });
    assert.equal('tags' in task, false);
    const fetched = await api.current.test.getTask(task.task_id);
    assert.equal(fetched.status, TaskStatus.Completed);
    assert.deepEqual(fetched.response, { category: 'cat' });
    assert.deepEqual(fetched.params, task.params);
    assert.equal(fetched.instruction, task.instruction);
    assert.equal(fetched.created_at, task.created_at);
  });

  it('createTask with a live key leaves the task pending; cancelTask cancels it and can free its unique_id', async () => {
    const projectName = await project(api.current.live);
    const uniqueId = plainName('cancel-me');
    const task = await api.current.live.createTask(TaskType.Categorization, categorization(projectName, { unique_id: uniqueId }));
    assert.equal(task.status, 'pending');
    const canceled = await api.current.live.cancelTask(task.task_id, true);
    assert.equal(canceled.status, 'canceled');
    assert.equal('unique_id' in canceled, false);
    const reused = await api.current.live.createTask(TaskType.Categorization, categorization(projectName, { unique_id: uniqueId }));
    assert.equal(reused.unique_id, uniqueId);
  });

  it('cancelTask throws ScaleInvalidRequest for a completed task and ScaleResourceNotFound for an unknown one', async () => {
    const projectName = await project();
    const task = await api.current.test.createTask(TaskType.Categorization, categorization(projectName));
    await assert.rejects(api.current.test.cancelTask(task.task_id), ScaleInvalidRequest);
    await assert.rejects(api.current.test.cancelTask('ffffffffffffffffffffffff'), ScaleResourceNotFound);
  });

  it('auditTask records accepted and rejected reviews with comments', async () => {
    const projectName = await project();
    const task = await api.current.test.createTask(TaskType.Categorization, categorization(projectName));
    const accepted = await api.current.test.auditTask(task.task_id, true);
    assert.equal(accepted.customer_review_status, TaskReviewStatus.Accepted);
    const rejected = await api.current.test.auditTask(task.task_id, false, 'Wrong animal.');
    assert.equal(rejected.customer_review_status, TaskReviewStatus.Rejected);
    assert.deepEqual(rejected.customer_review_comments, ['Wrong animal.']);
    assert.equal(rejected.audits?.length, 2);
  });

  it('updateTaskUniqueId and clearTaskUniqueId set and remove the unique_id; a taken one is ScaleDuplicateResource naming the holder', async () => {
    const projectName = await project();
    const first = await api.current.test.createTask(TaskType.Categorization, categorization(projectName, { unique_id: plainName('first') }));
    const second = await api.current.test.createTask(TaskType.Categorization, categorization(projectName));
    const renamed = await api.current.test.updateTaskUniqueId(second.task_id, 'renamed value+1');
    assert.equal(renamed.unique_id, 'renamed value+1');
    await assert.rejects(api.current.test.updateTaskUniqueId(second.task_id, first.unique_id!), (error: ScaleDuplicateResource) => {
      assert.ok(error instanceof ScaleDuplicateResource);
      assert.ok(error.message.includes(first.task_id), error.message);
      return true;
    });
    const cleared = await api.current.test.clearTaskUniqueId(second.task_id);
    assert.equal('unique_id' in cleared, false);
  });

  it('createTask with a taken unique_id throws ScaleDuplicateResource whose message names the existing task', async () => {
    const projectName = await project();
    const uniqueId = plainName('dup');
    const task = await api.current.test.createTask(TaskType.Categorization, categorization(projectName, { unique_id: uniqueId }));
    await assert.rejects(api.current.test.createTask(TaskType.Categorization, categorization(projectName, { unique_id: uniqueId })), (error: ScaleDuplicateResource) => {
      assert.ok(error instanceof ScaleDuplicateResource);
      assert.equal(error.status, 409);
      assert.ok(error.message.includes(task.task_id), error.message);
      return true;
    });
  });

  it('setTaskMetadata replaces metadata; setTaskTags, addTaskTags and deleteTaskTags edit the tags', async () => {
    const projectName = await project();
    const task = await api.current.test.createTask(TaskType.Categorization, categorization(projectName, { metadata: { a: 1 } }));
    assert.deepEqual((await api.current.test.setTaskMetadata(task.task_id, { b: 2 })).metadata, { b: 2 });
    assert.deepEqual((await api.current.test.setTaskMetadata(task.task_id, {})).metadata, {});
    assert.deepEqual((await api.current.test.setTaskTags(task.task_id, ['x', 'y', 'x'])).tags, ['x', 'y']);
    assert.deepEqual((await api.current.test.addTaskTags(task.task_id, ['y', 'z'])).tags, ['x', 'y', 'z']);
    assert.deepEqual((await api.current.test.deleteTaskTags(task.task_id, ['x', 'unknown'])).tags, ['y', 'z']);
    assert.deepEqual((await api.current.test.getTask(task.task_id)).tags, ['y', 'z']);
  });

  it('getTasks filters by project, unique_id (across projects), tags and status; getTasksCount counts the same', async () => {
    const projectA = await project();
    const projectB = await project();
    const uniqueId = uniqueName('find me +');
    const tagged = await api.current.test.createTask(TaskType.Categorization, categorization(projectA, { tags: ['red'] }));
    await api.current.test.createTask(TaskType.Categorization, categorization(projectA));
    const unique = await api.current.test.createTask(TaskType.Categorization, categorization(projectB, { unique_id: uniqueId }));

    const inA: string[] = [];
    for await (const task of api.current.test.getTasks({ projectName: projectA })) inA.push(task.task_id);
    assert.equal(inA.length, 2);
    assert.equal(await api.current.test.getTasksCount({ projectName: projectA }), 2);

    const byUnique = await api.current.test.tasks.list({ uniqueId });
    assert.deepEqual(byUnique.docs.map((task) => task.task_id), [unique.task_id]);

    const byTag: string[] = [];
    for await (const task of api.current.test.getTasks({ projectName: projectA, tags: ['red'] })) byTag.push(task.task_id);
    assert.deepEqual(byTag, [tagged.task_id]);

    assert.equal(await api.current.test.getTasksCount({ projectName: projectA, status: TaskStatus.Completed }), 2);
    assert.equal(await api.current.test.getTasksCount({ projectName: projectA, status: TaskStatus.Pending }), 0);
    assert.equal(await api.current.test.getTasksCount({ projectName: projectA, reviewStatus: TaskReviewStatus.Pending }), 2);
    assert.equal(await api.current.test.getTasksCount({ projectName: uniqueName('nothing') }), 0);
  });

  it('getTasks with limitedResponse returns only the limited keys', async () => {
    const projectName = await project();
    await api.current.test.createTask(TaskType.Categorization, categorization(projectName));
    const page = await api.current.test.tasks.list({ projectName, limitedResponse: true });
    assert.equal(page.docs.length, 1);
    assert.deepEqual(Object.keys(page.docs[0]).sort(), ['metadata', 'project', 'status', 'task_id']);
  });

  it('createTask throws ScaleInvalidRequest without an attachment or for an unknown task type', async () => {
    const projectName = await project();
    await assert.rejects(api.current.test.createTask(TaskType.Categorization, { project: projectName, categories: ['a'] }), (error: ScaleInvalidRequest) => {
      assert.ok(error instanceof ScaleInvalidRequest);
      assert.match(error.message, /attachment/);
      return true;
    });
    await assert.rejects(api.current.test.createTask('nosuchtype', { attachment: 'a' }), ScaleInvalidRequest);
  });

  it('returns the created task when the create answer is lost and the retry collides with its unique_id (409 recovery)', async () => {
    const projectName = await project();
    const uniqueId = uniqueName('lost answer +');
    const client = api.current.client(TEST_KEY, { fetch: losingFirstAnswer((url, init) => init?.method === 'POST' && url.includes('/task/categorization')) });
    const task = await client.createTask(TaskType.Categorization, categorization(projectName, { unique_id: uniqueId }));
    assert.equal(task.unique_id, uniqueId);
    assert.equal(await api.current.test.getTasksCount({ uniqueId }), 1);
    assert.equal(await api.current.test.getTasksCount({ projectName }), 1);
  });

  it('returns the created task when a create without unique_id loses its answer and the retry reuses the Idempotency-Key', async () => {
    const projectName = await project();
    const client = api.current.client(TEST_KEY, { fetch: losingFirstAnswer((url, init) => init?.method === 'POST' && url.includes('/task/categorization')) });
    const task = await client.createTask(TaskType.Categorization, categorization(projectName, { metadata: { marker: 'idem' } }));
    assert.deepEqual(task.metadata, { marker: 'idem' });
    assert.equal(await api.current.test.getTasksCount({ projectName }), 1);
  });

  it('createTask sent again with the same Idempotency-Key throws ScaleDuplicateResource and creates nothing', async () => {
    const projectName = await project();
    const key = plainName('idem-key');
    await api.current.test.createTask(TaskType.Categorization, categorization(projectName), { idempotencyKey: key });
    await assert.rejects(api.current.test.createTask(TaskType.Categorization, categorization(projectName), { idempotencyKey: key }), ScaleDuplicateResource);
    assert.equal(await api.current.test.getTasksCount({ projectName }), 1);
  });
});
