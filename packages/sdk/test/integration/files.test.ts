import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { ScaleInvalidRequest, TaskType, fileFromPath } from '../../src/index.ts';
import { describeEachDatabase, uniqueName, useSdkServer } from '../helpers/server.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e3bd9d0000000049454e44ae426082', 'hex');

describeEachDatabase('SDK files against a real server', (dialect) => {
  const api = useSdkServer(dialect);

  it('uploadFile stores bytes and answers a file object whose attachment_url a task accepts', async () => {
    const projectName = uniqueName('files');
    await api.current.test.createProject({ projectName, taskType: TaskType.Categorization });
    const file = await api.current.test.uploadFile(new Blob([PNG], { type: 'image/png' }), { projectName, filename: 'pixel.png' });
    assert.ok(file.id);
    assert.ok(file.attachment_url);
    assert.equal(file.size, PNG.length);
    assert.deepEqual(file.project_names, [projectName]);
    const task = await api.current.test.createTask(TaskType.Categorization, { project: projectName, attachment: file.attachment_url, categories: ['a'] });
    assert.equal(task.params.attachment, file.attachment_url);
  });

  it('uploadFile streams a file from disk with fileFromPath, keeping its base name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-upload-'));
    try {
      const filePath = path.join(dir, 'my picture.png');
      fs.writeFileSync(filePath, PNG);
      const file = await api.current.live.uploadFile(await fileFromPath(filePath, 'image/png'));
      assert.equal(file.size, PNG.length);
      assert.equal(file.display_name, 'my picture.png');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('importFile answers at once with a file object, even when the URL cannot be reached', async () => {
    const file = await api.current.live.importFile('http://127.0.0.1:9/unreachable.jpg', { displayName: 'far away' });
    assert.ok(file.id);
    assert.ok(file.attachment_url);
  });

  it('importFile throws ScaleInvalidRequest for an unknown project', async () => {
    await assert.rejects(api.current.live.importFile('https://example.com/a.jpg', { projectName: uniqueName('no such project') }), ScaleInvalidRequest);
  });
});
