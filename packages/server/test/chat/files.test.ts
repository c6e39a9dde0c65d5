import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, type ApiResponse } from '../helpers/server.ts';
import { v2Client } from '../v2/helpers.ts';
import { addWorkers, assign, call, createProject, next, submit, unique, type TestWorker } from '../queue/helpers.ts';

/*
 * Files a labeler attaches to a chat task's `file` questions (docs/chat.md, File questions):
 * POST /app/api/tasks/:id/files under the task's lease, the answer's value as an array of
 * {url, mime_type, name, file_size_in_bytes}, the check on submit, and the completed v2 task.
 */

const LIMIT = 48 * 1024;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 5)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100, 0x20)]);

const PARAMS = {
  annotations: [
    { key: 'evidence', type: 'file', scope: 'thread', title: 'Screenshot of the bug', accept: ['image/*'], max_files: 2 },
    { key: 'links', type: 'file', scope: 'thread', required: false, allow_external_urls: true },
  ],
};

function conversation(annotations: unknown[]) {
  return {
    threads: [
      {
        turns: [
          {
            messages: [
              { role: 'user', source_id: 'user', content: { text: 'The page is blank.' }, annotations: [] },
              { role: 'assistant', source_id: 'model_a', content: { text: 'Send a screenshot.' }, annotations: [] },
            ],
            annotations: [],
          },
        ],
        annotations,
      },
    ],
  };
}

function storedFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'files');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((entry) => fs.statSync(path.join(root, entry)).isFile());
}

describeEachDatabase('chat file answers', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES: String(LIMIT) });
  const client = v2Client(server);
  let labeler: TestWorker;
  let other: TestWorker;
  let project: string;

  before(async () => {
    project = unique('chatfiles');
    await createProject(server.current, { type: 'chat', name: project, params: PARAMS });
    [labeler, other] = await addWorkers(server.current, 2);
    await assign(server.current, [labeler, other], [project]);
  });

  /** A new live chat task leased to the labeler. */
  async function leased(): Promise<any> {
    const created = await client.post('/v2/task/chat', { project_name: project });
    assert.equal(created.status, 200, created.text);
    const assignment = await next(server.current, labeler, `project=${encodeURIComponent(project)}`);
    assert.equal(assignment.task.task_id, created.body.task_id);
    return assignment;
  }

  async function upload(
    worker: TestWorker,
    taskId: string,
    query: Record<string, string>,
    file: { bytes: Buffer; name: string; type?: string } | undefined,
    raw?: { body: string; contentType: string },
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { cookie: worker.cookie, 'x-csrf-token': worker.csrfToken };
    let body: FormData | string;
    if (raw) {
      body = raw.body;
      headers['content-type'] = raw.contentType;
    } else {
      body = new FormData();
      if (file) body.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? '' }), file.name);
    }
    return server.current.request('POST', `/app/api/tasks/${taskId}/files?${new URLSearchParams(query)}`, { key: null, headers, rawBody: body });
  }

  function assertRefused(response: ApiResponse, status: number, pattern: RegExp): void {
    assert.equal(response.status, status, response.text);
    assert.equal(response.body.status_code, status);
    assert.match(response.body.error, pattern);
  }

  it('uploads an image under the lease, submits it, and the completed v2 task carries it as an array the API key can download', async () => {
    const assignment = await leased();
    const taskId = assignment.task.task_id;
    // Declared as octet-stream: the type recorded is sniffed from the bytes.
    const uploaded = await upload(labeler, taskId, { lease_id: assignment.lease.lease_id, key: 'evidence' }, { bytes: PNG, name: 'blank page.png', type: 'application/octet-stream' });
    assert.equal(uploaded.status, 200, uploaded.text);
    const { file, file_id: fileId, preview_url: previewUrl } = uploaded.body;
    assert.deepEqual(file, { url: `${server.current.url}/v1/files/${fileId}/content`, mime_type: 'image/png', name: 'blank page.png', file_size_in_bytes: PNG.length });

    // The preview link is signed (no key); the stored URL needs the customer's key.
    const preview = await fetch(previewUrl);
    assert.equal(preview.status, 200);
    assert.deepEqual(Buffer.from(await preview.arrayBuffer()), PNG);
    const unsigned = await fetch(previewUrl.replace(/signature=[0-9a-f]+/, 'signature=00'));
    assert.equal(unsigned.status, 403);
    const anonymous = await fetch(file.url);
    assert.equal(anonymous.status, 401);

    // The preview route (a draft restored after a reload): a redirect to a signed link, for the lease holder only.
    const previewPath = `/app/api/tasks/${taskId}/files/${fileId}/preview?lease_id=${assignment.lease.lease_id}`;
    const redirect = await fetch(server.current.url + previewPath, { redirect: 'manual', headers: { cookie: labeler.cookie } });
    assert.equal(redirect.status, 302);
    const signed = await fetch(new URL(redirect.headers.get('location')!, server.current.url));
    assert.deepEqual(Buffer.from(await signed.arrayBuffer()), PNG);
    assertRefused(await call(server.current, other, 'GET', previewPath.replace('/app/api', '')), 404, /under a lease/);
    assertRefused(await call(server.current, labeler, 'GET', previewPath.replace('/app/api', '').replace(fileId, '01ZZZZZZZZZZZZZZZZZZZZZZZZ')), 404, /No file/);

    assert.equal(await submit(server.current, labeler, assignment, conversation([{ key: 'evidence', type: 'file', value: [file] }])), 'completed');
    const task = (await client.get('/v2/task', { task_id: taskId })).body;
    const answer = task.threads[0].annotations.find((annotation: any) => annotation.key === 'evidence');
    assert.equal(answer.type, 'file');
    assert.deepEqual(answer.value, [file]);
    for (const scheme of ['basic', 'bearer'] as const) {
      const download = await fetch(answer.value[0].url, {
        headers: { authorization: scheme === 'basic' ? `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}` : `Bearer ${LIVE_KEY}` },
      });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), PNG);
    }
    // The file object names the task's project.
    const object = await server.current.request('GET', `/v1/files/${fileId}`);
    assert.deepEqual(object.body.project_names, [project]);
  });

  it('refuses uploads without the lease (404), for an unknown question, of a type the question does not accept, over the limit, and malformed bodies', async () => {
    const assignment = await leased();
    const taskId = assignment.task.task_id;
    const leaseId = assignment.lease.lease_id;
    const before = storedFiles(server.current.config.dataDir);
    const png = { bytes: PNG, name: 'a.png' };

    assertRefused(await upload(other, taskId, { lease_id: leaseId, key: 'evidence' }, png), 404, /under a lease .* of yours/);
    assertRefused(await upload(labeler, taskId, { lease_id: 'lease_nope', key: 'evidence' }, png), 404, /under a lease/);
    assertRefused(await upload(labeler, 'task_unknown', { lease_id: leaseId, key: 'evidence' }, png), 404, /No task task_unknown/);
    assertRefused(await upload(labeler, taskId, { key: 'evidence' }, png), 400, /lease_id/);
    assertRefused(await upload(labeler, taskId, { lease_id: leaseId }, png), 400, /'key'/);
    assertRefused(await upload(labeler, taskId, { lease_id: leaseId, key: 'nope' }, png), 400, /no file question with key "nope"/);
    assertRefused(await upload(labeler, taskId, { lease_id: leaseId, key: 'evidence' }, { bytes: PDF, name: 'report.pdf' }), 400, /application\/pdf.*accepts image\/\*/);
    assertRefused(await upload(labeler, taskId, { lease_id: leaseId, key: 'evidence' }, { bytes: Buffer.concat([PNG, Buffer.alloc(LIMIT)]), name: 'big.png' }), 413, /TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES/);
    assertRefused(await upload(labeler, taskId, { lease_id: leaseId, key: 'evidence' }, undefined), 400, /part named 'file'/);
    assertRefused(
      await upload(labeler, taskId, { lease_id: leaseId, key: 'evidence' }, undefined, {
        body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
        contentType: 'multipart/form-data; boundary=xyz',
      }),
      400,
      /malformed/,
    );
    const json = await call(server.current, labeler, 'POST', `/tasks/${taskId}/files?lease_id=${leaseId}&key=evidence`, { file: 'x' });
    assertRefused(json, 400, /multipart/);
    // A PDF is fine where the question accepts any type.
    const pdf = await upload(labeler, taskId, { lease_id: leaseId, key: 'links' }, { bytes: PDF, name: 'report.pdf' });
    assert.equal(pdf.status, 200, pdf.text);
    assert.equal(pdf.body.file.mime_type, 'application/pdf');
    assert.equal(storedFiles(server.current.config.dataDir).length, before.length + 1, 'refused uploads keep nothing');
    const skipped = await call(server.current, labeler, 'POST', `/tasks/${taskId}/skip`, { lease_id: leaseId, reason: 'done testing refusals' });
    assert.equal(skipped.status, 200, skipped.text);
  });

  it('checks file answers on submit: 400 naming the path for foreign or unknown URLs, too many files, and malformed entries', async () => {
    const assignment = await leased();
    const taskId = assignment.task.task_id;
    const leaseId = assignment.lease.lease_id;
    const uploaded = await upload(labeler, taskId, { lease_id: leaseId, key: 'evidence' }, { bytes: PNG, name: 'a.png' });
    assert.equal(uploaded.status, 200, uploaded.text);
    const file = uploaded.body.file;
    const attempt = (annotations: unknown[]) => call(server.current, labeler, 'POST', `/tasks/${taskId}/submit`, { lease_id: leaseId, response: conversation(annotations) });
    const evidence = (value: unknown) => ({ key: 'evidence', type: 'file', value });

    assertRefused(await attempt([evidence([{ ...file, url: 'https://example.com/a.png' }])]), 400, /response\.threads\[0\]\.annotations\[0\]\.value\[0\]\.url.*not a file of this server/);
    const unknownId = file.url.replace(uploaded.body.file_id, '01ZZZZZZZZZZZZZZZZZZZZZZZZ');
    assertRefused(await attempt([evidence([file, { ...file, url: unknownId }])]), 400, /value\[1\]\.url.*no uploaded file/);
    assertRefused(await attempt([evidence([file, file, file])]), 400, /value.*at most 2 files/);
    assertRefused(await attempt([evidence([{ url: file.url, mime_type: 'image/png' }])]), 400, /value\[0\]\.name/);
    assertRefused(await attempt([evidence([{ ...file, url: 'ftp://example.com/a.png' }])]), 400, /value\[0\]\.url.*http/);
    assertRefused(await attempt([evidence(file)]), 400, /value.*array of files/);
    assertRefused(await attempt([evidence([{ ...file, mime_type: 'application/pdf' }])]), 400, /value\[0\]\.mime_type.*accepts image/);
    // A file of another project of the account is not this task's.
    const elsewhere = await server.current.request('POST', '/files/upload', { rawBody: (() => { const form = new FormData(); form.append('file', new Blob([new Uint8Array(PNG)]), 'b.png'); return form; })() });
    assert.equal(elsewhere.status, 200, elsewhere.text);
    assertRefused(await attempt([evidence([{ ...file, url: `${server.current.url}/v1/files/${elsewhere.body.id}/content` }])]), 400, /value\[0\]\.url.*no uploaded file/);

    // External links where the question allows them, with the upload.
    const links = { key: 'links', type: 'file', value: [{ url: 'https://example.com/spec.pdf', mime_type: 'application/pdf', name: 'spec.pdf' }] };
    assert.equal(await submit(server.current, labeler, assignment, conversation([evidence([file]), links])), 'completed');
    const task = (await client.get('/v2/task', { task_id: taskId })).body;
    assert.deepEqual(task.threads[0].annotations.map((annotation: any) => annotation.value), [[file], links.value]);
  });

  it('refuses file question settings that do not fit at task creation', async () => {
    const bad = await client.v1('POST', '/v1/task/chat', { project, annotations: [{ key: 'x', type: 'file', scope: 'thread', accept: ['png'] }] });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.body.error, /annotations\[\d\]\.accept\[0\]/);
    const tooMany = await client.v1('POST', '/v1/task/chat', { project, annotations: [{ key: 'x', type: 'file', scope: 'thread', max_files: 99 }] });
    assert.equal(tooMany.status, 400, tooMany.text);
    assert.match(tooMany.body.error, /max_files/);
  });
});
