import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { ApiError, AppApi } from '../../src/api/client.ts';
import type { UploadedChatFile } from '../../src/api/types.ts';
import { ChatEditor } from '../../src/families/chat/ChatEditor.tsx';
import { makeTask, sourceCatcher } from './helpers.tsx';

const PARAMS = {
  conversation: [
    { role: 'user', content: 'The chart is empty.' },
    { role: 'assistant', source_id: 'model_a', content: 'Send a screenshot.' },
  ],
  annotations: [{ key: 'screenshot', type: 'file', scope: 'thread', title: 'Screenshot', accept: ['image/*'], max_files: 2 }],
};

interface PendingUpload {
  args: { taskId: string; leaseId: string; key: string; name: string };
  progress: (fraction: number) => void;
  resolve: (answer: UploadedChatFile) => void;
  reject: (error: Error) => void;
  aborted: boolean;
}

/** An AppApi whose uploads wait for the test to progress, answer or refuse them (the server half is tested in packages/server). */
function apiWithUploads() {
  const api = new AppApi({ fetch: (async () => new Response(JSON.stringify({ endpoints: [] }))) as typeof fetch });
  const uploads: PendingUpload[] = [];
  api.uploadChatFile = (taskId, leaseId, key, file, onProgress) => {
    let entry!: PendingUpload;
    const done = new Promise<UploadedChatFile>((resolve, reject) => {
      entry = { args: { taskId, leaseId, key, name: file.name }, progress: onProgress, resolve, reject, aborted: false };
    });
    uploads.push(entry);
    return { done, abort: () => { entry.aborted = true; entry.reject(new ApiError(0, 'The upload was cancelled.')); } };
  };
  return { api, uploads };
}

const answerFor = (name: string, id: string): UploadedChatFile => ({
  file: { url: `https://labels.example.com/v1/files/${id}/content`, mime_type: 'image/png', name, file_size_in_bytes: 2048 },
  file_id: id,
  preview_url: `https://labels.example.com/app/files/${id}?expires=1&signature=ab`,
});

const png = (name: string) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], name, { type: 'image/png' });

function renderEditor(params: Record<string, unknown> = PARAMS) {
  const { api, uploads } = apiWithUploads();
  const catcher = sourceCatcher();
  const task = makeTask('chat', params);
  render(<ChatEditor task={task} onReady={catcher.onReady} onChange={() => {}} work={{ api, leaseId: 'lease-7' }} />);
  const value = () => (catcher.response() as any).threads[0].annotations.find((annotation: any) => annotation.key === 'screenshot')?.value;
  return { uploads, catcher, value, taskId: task.task_id };
}

describe('chat file question', () => {
  it('uploads a chosen file with progress, lists it with a thumbnail, name, type and size, and stores the array the server answered', async () => {
    const { uploads, value, taskId, catcher } = renderEditor();
    fireEvent.change(await screen.findByLabelText('Attach files to Screenshot'), { target: { files: [png('chart.png')] } });
    expect(uploads.map((upload) => upload.args)).toEqual([{ taskId, leaseId: 'lease-7', key: 'screenshot', name: 'chart.png' }]);
    act(() => uploads[0].progress(0.4));
    const bar = screen.getByLabelText('Uploading chart.png') as HTMLProgressElement;
    expect(bar.value).toBeCloseTo(0.4);
    expect(screen.getByText(/40 %/)).toBeTruthy();
    expect(catcher.problems().join(' ')).toMatch(/Screenshot.*needs an answer/);

    await act(async () => uploads[0].resolve(answerFor('chart.png', 'f1')));
    const list = screen.getByRole('list', { name: 'Screenshot: attached files' });
    expect((within(list).getByRole('img', { name: 'Preview of chart.png' }) as HTMLImageElement).src).toBe(answerFor('chart.png', 'f1').preview_url);
    expect(within(list).getByText('image/png · 2.0 kB')).toBeTruthy();
    expect(screen.queryByLabelText('Uploading chart.png')).toBeNull();
    expect(value()).toEqual([answerFor('chart.png', 'f1').file]);
    expect(catcher.problems()).toEqual([]);
  });

  it('takes dropped files, adds each as it finishes, removes one, and stops at max_files', async () => {
    const { uploads, value, catcher } = renderEditor();
    const zone = (await screen.findByText('Choose files…')).closest('.tw-chat-dropzone')!;
    fireEvent.drop(zone, { dataTransfer: { files: [png('a.png'), png('b.png'), png('c.png')] } });
    // Two fit; the third is refused at once.
    expect(uploads.map((upload) => upload.args.name)).toEqual(['a.png', 'b.png']);
    expect(screen.getByRole('alert').textContent).toMatch(/At most 2 files here/);
    expect((screen.getByText('Choose files…') as HTMLButtonElement).disabled).toBe(true);
    // The second finishes first: each lands in the answer as it stands then.
    await act(async () => uploads[1].resolve(answerFor('b.png', 'f2')));
    await act(async () => uploads[0].resolve(answerFor('a.png', 'f1')));
    expect(value().map((file: any) => file.name)).toEqual(['b.png', 'a.png']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove b.png' }));
    expect(value().map((file: any) => file.name)).toEqual(['a.png']);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect((screen.getByText('Choose files…') as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Remove a.png' }));
    // No files left: no value, so the required question is unanswered again.
    expect(value() ?? null).toBeNull();
    expect(catcher.problems().join(' ')).toMatch(/Screenshot.*needs an answer/);
  });

  it('shows a file restored from a draft through the lease holder\'s preview route', async () => {
    const { api } = apiWithUploads();
    const catcher = sourceCatcher();
    const stored = { url: 'https://labels.example.com/v1/files/01filefromdraft/content', mime_type: 'image/png', name: 'from-draft.png', file_size_in_bytes: 10 };
    const draft = {
      threads: [{
        turns: [{ messages: [{ role: 'user', source_id: 'user', content: { text: 'The chart is empty.' }, annotations: [] }, { role: 'assistant', source_id: 'model_a', content: { text: 'Send a screenshot.' }, annotations: [] }], annotations: [] }],
        annotations: [{ key: 'screenshot', type: 'file', value: [stored] }],
      }],
    };
    const task = makeTask('chat', PARAMS);
    render(<ChatEditor task={task} initialResponse={draft} initialIsDraft onReady={catcher.onReady} onChange={() => {}} work={{ api, leaseId: 'lease-7' }} />);
    const image = (await screen.findByRole('img', { name: 'Preview of from-draft.png' })) as HTMLImageElement;
    expect(image.getAttribute('src')).toBe(`/app/api/tasks/${task.task_id}/files/01filefromdraft/preview?lease_id=lease-7`);
    expect((catcher.response() as any).threads[0].annotations[0].value).toEqual([stored]);
  });

  it('shows why an upload was refused, refuses a type the question does not accept before sending, and cancels', async () => {
    const { uploads, value } = renderEditor();
    const input = await screen.findByLabelText('Attach files to Screenshot');
    fireEvent.change(input, { target: { files: [new File(['%PDF'], 'notes.pdf', { type: 'application/pdf' })] } });
    expect(uploads).toHaveLength(0);
    expect(screen.getByRole('alert').textContent).toMatch(/application\/pdf is not accepted here \(image\/\*\)/);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));

    fireEvent.change(input, { target: { files: [png('huge.png')] } });
    await act(async () => uploads[0].reject(new ApiError(413, 'The file is larger than this server accepts (20971520 bytes; set by TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES).')));
    expect(screen.getByRole('alert').textContent).toMatch(/TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES/);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));

    fireEvent.change(input, { target: { files: [png('slow.png')] } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    expect(uploads[1].aborted).toBe(true);
    expect(screen.getByRole('alert').textContent).toMatch(/cancelled/);
    expect(value()).toBeUndefined();
  });

  it('takes a pasted link where the question allows external links, suggesting its type from the extension and checking accept', async () => {
    const question = { ...PARAMS.annotations[0], allow_external_urls: true };
    const { value, uploads } = renderEditor({ ...PARAMS, annotations: [question] });
    const link = await screen.findByLabelText('Link to a file for Screenshot');
    const type = screen.getByLabelText('Media type of the link for Screenshot') as HTMLInputElement;
    const add = screen.getByRole('button', { name: 'Add link' });

    fireEvent.change(link, { target: { value: 'ftp://files.example.com/chart.png' } });
    fireEvent.click(add);
    expect(screen.getByRole('alert').textContent).toMatch(/starts with http/);

    fireEvent.change(link, { target: { value: 'https://cdn.example.com/docs/report.pdf' } });
    expect(type.value).toBe('application/pdf');
    fireEvent.click(add);
    expect(screen.getByRole('alert').textContent).toMatch(/application\/pdf is not accepted here \(image\/\*\)/);

    fireEvent.change(link, { target: { value: 'https://cdn.example.com/shots/chart%201.png?v=2' } });
    expect(type.value).toBe('image/png');
    fireEvent.click(add);
    expect(value()).toEqual([{ url: 'https://cdn.example.com/shots/chart%201.png?v=2', mime_type: 'image/png', name: 'chart 1.png' }]);
    expect(screen.getByRole('link', { name: 'chart 1.png' }).getAttribute('href')).toBe('https://cdn.example.com/shots/chart%201.png?v=2');
    expect(screen.getByText('image/png · linked from cdn.example.com')).toBeTruthy();
    expect((link as HTMLInputElement).value).toBe('');
    expect(uploads).toHaveLength(0);
  });

  it('offers no link field where the question does not allow external links', async () => {
    renderEditor();
    await screen.findByLabelText('Attach files to Screenshot');
    expect(screen.queryByLabelText('Link to a file for Screenshot')).toBeNull();
  });
});
