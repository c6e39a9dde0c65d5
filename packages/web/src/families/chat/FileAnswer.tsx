import { useContext, useRef, useState, type DragEvent } from 'react';
import { MAX_FILES_PER_ANSWER, mediaTypeAccepted, type AnnotationQuestion, type AnswerFile } from '@tagwright/formats';
import { ChatFilePreviewContext, ChatFilesContext, fileIdOfUrl, previewLinks } from './chat-files.ts';
import { FileLinkEntry } from './FileLinkEntry.tsx';

interface Upload {
  id: number;
  name: string;
  size: number;
  fraction: number;
  error?: string;
  abort?: () => void;
}

let nextUploadId = 1;

/** `12.3 kB`: sizes as people read them. */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * A `file` question's answer (task-types.md §7.3, §7.5): choose files or drop them here; each is
 * uploaded at once under the task's lease with its progress shown, then listed with its name, type,
 * size and, for images, a thumbnail; Remove takes one out. Where the question allows external
 * links, a link can be added instead (FileLinkEntry). The answer's value
 * is the array of `{url, mime_type, name, file_size_in_bytes}` the server answered. Without an
 * uploader (review, preview) the files are only listed.
 */
export function FileAnswer({ question, files, onChange }: { question: AnnotationQuestion; files: AnswerFile[]; onChange: (files: AnswerFile[]) => void }) {
  const upload = useContext(ChatFilesContext);
  const previewOf = useContext(ChatFilePreviewContext);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // Uploads finish in any order; each adds to the answer as it stands then, not as it stood when it began.
  const latest = useRef(files);
  latest.current = files;
  const most = question.max_files ?? MAX_FILES_PER_ANSWER;
  const name = question.title ?? question.key;
  const room = most - files.length - uploads.filter((entry) => !entry.error).length;

  const patch = (id: number, change: Partial<Upload> | null) =>
    setUploads((list) => (change === null ? list.filter((entry) => entry.id !== id) : list.map((entry) => (entry.id === id ? { ...entry, ...change } : entry))));

  const start = (chosen: File[]) => {
    if (!upload) return;
    let left = room;
    for (const file of chosen) {
      const id = nextUploadId++;
      const entry: Upload = { id, name: file.name, size: file.size, fraction: 0 };
      // Checked here so the labeler hears it at once; the server checks the type again from the bytes.
      if (left <= 0) entry.error = `At most ${most} file${most === 1 ? '' : 's'} here.`;
      else if (file.type && !mediaTypeAccepted(file.type, question.accept)) entry.error = `${file.type || 'This type'} is not accepted here (${question.accept!.join(', ')}).`;
      setUploads((list) => [...list, entry]);
      if (entry.error) continue;
      left--;
      const request = upload(question.key, file, (fraction) => patch(id, { fraction }));
      patch(id, { abort: request.abort });
      request.done.then(
        (uploaded) => {
          previewLinks.set(uploaded.file.url, uploaded.preview_url);
          patch(id, null);
          onChange([...latest.current, uploaded.file]);
        },
        (error: Error) => patch(id, { error: error.message, abort: undefined }),
      );
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    start([...event.dataTransfer.files]);
  };

  return (
    <div className="tw-chat-files" aria-label={name}>
      {files.length > 0 && (
        <ul className="tw-chat-file-list" aria-label={`${name}: attached files`}>
          {files.map((file, index) => {
            // Uploaded in this page: its signed link; restored from a draft: the lease holder's preview route.
            const preview = previewLinks.get(file.url) ?? previewOf?.(file.url);
            // A link to a file elsewhere is not fetched here (no thumbnail); it opens in a new tab.
            const host = linkedHost(file.url);
            return (
              <li key={`${file.url}#${index}`} className="tw-chat-file">
                {preview && file.mime_type.startsWith('image/') ? <img src={preview} alt={`Preview of ${file.name}`} className="tw-chat-thumb" /> : <span className="tw-chat-thumb tw-chat-thumb-icon" aria-hidden="true">{badgeOf(file.mime_type)}</span>}
                <span className="tw-chat-file-meta">
                  {host ? (
                    <a className="tw-chat-file-name" href={file.url} target="_blank" rel="noopener noreferrer">
                      {file.name}
                    </a>
                  ) : (
                    <span className="tw-chat-file-name">{file.name}</span>
                  )}
                  <span className="tw-hint">
                    {file.mime_type}
                    {file.file_size_in_bytes !== undefined ? ` · ${formatSize(file.file_size_in_bytes)}` : ''}
                    {host ? ` · linked from ${host}` : ''}
                  </span>
                </span>
                <button type="button" aria-label={`Remove ${file.name}`} onClick={() => onChange(files.filter((_, at) => at !== index))}>
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {uploads.length > 0 && (
        <ul className="tw-chat-uploads" aria-label={`${name}: uploads`}>
          {uploads.map((entry) => (
            <li key={entry.id} className={entry.error ? 'tw-chat-upload-failed' : undefined}>
              <span className="tw-chat-file-name">{entry.name}</span> <span className="tw-hint">{formatSize(entry.size)}</span>{' '}
              {entry.error ? (
                <>
                  <span role="alert" className="tw-error">
                    {entry.error}
                  </span>{' '}
                  <button type="button" onClick={() => patch(entry.id, null)}>
                    Dismiss
                  </button>
                </>
              ) : (
                <>
                  <progress max={1} value={entry.fraction} aria-label={`Uploading ${entry.name}`} /> {Math.round(entry.fraction * 100)} %{' '}
                  <button type="button" onClick={() => entry.abort?.()}>
                    Cancel
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {upload ? (
        <div
          className={`tw-chat-dropzone${dragging ? ' tw-dragging' : ''}`}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <button type="button" disabled={room <= 0} onClick={() => input.current?.click()}>
            Choose files…
          </button>{' '}
          <span className="tw-hint">
            or drop them here{question.accept?.length ? ` (${question.accept.join(', ')})` : ''}; up to {most}
          </span>
          <input
            ref={input}
            type="file"
            hidden
            multiple={most > 1}
            accept={question.accept?.join(',')}
            aria-label={`Attach files to ${name}`}
            onChange={(event) => {
              start([...(event.target.files ?? [])]);
              event.target.value = '';
            }}
          />
        </div>
      ) : (
        files.length === 0 && <p className="tw-hint">No files.</p>
      )}
      {upload && question.allow_external_urls && <FileLinkEntry question={question} room={room} onAdd={(file) => onChange([...latest.current, file])} />}
    </div>
  );
}

/** A short badge for a file without a thumbnail: text, since an emoji shows as a blank box where no emoji font is installed. */
function badgeOf(mimeType: string): string {
  if (mimeType === 'application/pdf') return 'PDF';
  const [kind, subtype = ''] = mimeType.split('/');
  if (kind === 'image' || kind === 'audio' || kind === 'video') return subtype.split(/[+.;-]/)[0].toUpperCase().slice(0, 4) || kind.toUpperCase();
  return 'FILE';
}

/** The host a linked (external) file lives on; undefined for this server's own files. */
function linkedHost(url: string): string | undefined {
  if (fileIdOfUrl(url)) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
