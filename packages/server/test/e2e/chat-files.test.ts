/**
 * A chat task's file question end to end in Debian's Chromium: the labeler attaches one image
 * with the file chooser and another by dropping it, sees both listed with name, type, size and a
 * thumbnail, removes one, is told at once that a PDF is not accepted, pastes a link to an image
 * elsewhere (the question allows external links), and submits; the v2 task carries the image as
 * an array of {url, mime_type, name, file_size_in_bytes} whose url the API key downloads, then
 * the link as {url, mime_type, name}. With TAGWRIGHT_SCREENSHOT_DIR set, it saves the widget as workbench-chat-file.png.
 */
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY } from '../helpers/server.ts';
import { unique } from '../tasks/helpers.ts';
import { NO_CHROMIUM, acceptInvitation, documentScreenshot, hasChromium, inviteTeammate, signInPage, useBrowserServer } from './browser.ts';

const PASSWORD = 'attaching files all day';

/** A real RGB PNG of a diagonal gradient with a dark square, so the thumbnail shows something. */
function gradientPng(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const inSquare = x > width * 0.55 && x < width * 0.85 && y > height * 0.2 && y < height * 0.6;
      row[1 + x * 3] = inSquare ? 30 : Math.round((255 * x) / width);
      row[2 + x * 3] = inSquare ? 41 : Math.round((255 * y) / height);
      row[3 + x * 3] = inSquare ? 59 : 200;
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

describeEachDatabase('A chat file question in a real browser', (dialect) => {
  const chromium = useBrowserServer(dialect);

  it('attaches images by the chooser and by drop, shows them, removes one, refuses a PDF, links one, and the v2 task carries the files', { skip: !hasChromium && NO_CHROMIUM, timeout: 180_000 }, async () => {
    const project = unique('chatfiles');
    const params = { annotations: [{ key: 'screenshot', type: 'file', scope: 'thread', title: 'Screenshot of the problem', accept: ['image/*'], max_files: 2, allow_external_urls: true }] };
    assert.equal((await chromium.server.request('POST', '/v1/projects', { body: { type: 'chat', name: project, params } })).status, 200);
    const email = `${unique('labeler')}@example.com`.toLowerCase();
    await acceptInvitation(chromium.server, await inviteTeammate(chromium.server, email, 'labeler'), PASSWORD);
    assert.equal((await chromium.server.request('POST', '/v1/studio/assignments/add', { body: { emails: [email], projects: [project] } })).status, 200);
    const created = await chromium.server.request('POST', '/v1/task/chat', {
      body: {
        project,
        instruction: 'Attach a screenshot of what the assistant describes.',
        conversation: [
          { role: 'user', content: 'My dashboard chart is empty.' },
          { role: 'assistant', source_id: 'model_a', content: 'Please attach a screenshot of the chart.' },
        ],
      },
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.body.task_id;
    const chart = gradientPng(320, 200);

    const { page, context, errors } = await signInPage(chromium.browser, chromium.server, email, PASSWORD);
    const widget = page.locator('[data-question=screenshot]');
    await widget.getByRole('button', { name: 'Choose files…' }).waitFor();

    // The file chooser.
    await widget.getByLabel('Attach files to Screenshot of the problem').setInputFiles({ name: 'empty-chart.png', mimeType: 'image/png', buffer: chart });
    const list = widget.getByRole('list', { name: 'Screenshot of the problem: attached files' });
    await list.getByRole('img', { name: 'Preview of empty-chart.png' }).waitFor();
    // A drop of another image, as the browser hands it over (a DataTransfer of Files).
    const dropped = await page.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'second.png', { type: 'image/png' }));
      return transfer;
    }, [...chart]);
    await widget.locator('.tw-chat-dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await list.getByRole('img', { name: 'Preview of second.png' }).waitFor();
    assert.equal(await list.getByRole('listitem').count(), 2);
    // Two is this question's most: the chooser is off until one is removed.
    assert.equal(await widget.getByRole('button', { name: 'Choose files…' }).isDisabled(), true);
    await list.getByRole('button', { name: 'Remove second.png' }).click();
    assert.equal(await list.getByRole('listitem').count(), 1);
    // A type the question does not take is refused before anything is sent.
    await widget.getByLabel('Attach files to Screenshot of the problem').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n') });
    await widget.getByRole('alert').filter({ hasText: 'application/pdf is not accepted here' }).waitFor();
    await widget.getByRole('button', { name: 'Dismiss' }).click();
    assert.match(await list.getByRole('listitem').innerText(), new RegExp(`empty-chart\\.png\\s+image/png · ${(chart.length / 1000).toFixed(1)} kB`));

    // A link to an image elsewhere: its type comes from the extension.
    const link = 'https://status.example.com/incidents/chart-before.png';
    await widget.getByLabel('Link to a file for Screenshot of the problem').fill(link);
    assert.equal(await widget.getByLabel('Media type of the link for Screenshot of the problem').inputValue(), 'image/png');
    await widget.getByRole('button', { name: 'Add link' }).click();
    await list.getByRole('button', { name: 'Remove chart-before.png' }).waitFor();

    await widget.scrollIntoViewIfNeeded();
    await documentScreenshot(page, 'workbench-chat-file');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByText(/No tasks are waiting/).waitFor();
    assert.deepEqual(errors, []);
    await context.close();

    const task = (await chromium.server.request('GET', `/v2/task?task_id=${taskId}`, { scheme: 'bearer' })).body;
    assert.equal(task.status, 'completed');
    const answer = task.threads[0].annotations.find((annotation: any) => annotation.key === 'screenshot');
    assert.equal(answer.type, 'file');
    assert.equal(answer.value.length, 2);
    const [file, linked] = answer.value;
    assert.deepEqual(linked, { url: link, mime_type: 'image/png', name: 'chart-before.png' });
    assert.match(file.url, new RegExp(`^${chromium.server.url}/v1/files/[A-Za-z0-9_-]+/content$`));
    assert.deepEqual({ ...file, url: undefined }, { url: undefined, mime_type: 'image/png', name: 'empty-chart.png', file_size_in_bytes: chart.length });
    const download = await fetch(file.url, { headers: { authorization: `Bearer ${LIVE_KEY}` } });
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), chart);
  });
});
