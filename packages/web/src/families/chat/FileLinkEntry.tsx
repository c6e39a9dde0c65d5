import { useState, type FormEvent } from 'react';
import { mediaTypeAccepted, type AnnotationQuestion, type AnswerFile } from '@tagwright/formats';

// The media types a link's extension most often names; anything else the labeler types.
const TYPE_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
};

/** The link's file name (its last path segment) and the media type its extension suggests. */
export function describeLink(text: string): { url: URL; name: string; mimeType?: string } | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const last = url.pathname.split('/').filter(Boolean).pop();
  let name = url.hostname;
  if (last) {
    try {
      name = decodeURIComponent(last);
    } catch {
      name = last;
    }
  }
  const extension = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  return { url, name, mimeType: TYPE_BY_EXTENSION[extension] };
}

/**
 * A file question with `allow_external_urls` (task-types.md §7.3) also takes a link to a file
 * elsewhere: the labeler pastes the URL, the media type is suggested from its extension (and can be
 * changed), and the answer gets `{url, mime_type, name}` — the server does not fetch the link, so
 * its size stays unknown. The question's `accept` and `max_files` hold as for uploads.
 */
export function FileLinkEntry({ question, room, onAdd }: { question: AnnotationQuestion; room: number; onAdd: (file: AnswerFile) => void }) {
  const [link, setLink] = useState('');
  const [mimeType, setMimeType] = useState('');
  const [error, setError] = useState<string>();
  const name = question.title ?? question.key;
  const exactTypes = (question.accept ?? []).filter((type) => !type.includes('*'));

  const onLinkChange = (text: string) => {
    setLink(text);
    setError(undefined);
    const suggested = describeLink(text)?.mimeType;
    if (suggested) setMimeType(suggested);
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    const described = describeLink(link);
    const type = mimeType.trim().toLowerCase();
    if (!described) return setError('Paste a full link that starts with http:// or https://.');
    if (!/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type)) return setError('Give the file’s media type, such as image/png.');
    if (!mediaTypeAccepted(type, question.accept)) return setError(`${type} is not accepted here (${question.accept!.join(', ')}).`);
    if (room <= 0) return setError('No room for another file here: remove one first.');
    onAdd({ url: described.url.href, mime_type: type, name: described.name });
    setLink('');
    setMimeType('');
  };

  return (
    <form className="tw-chat-file-link" onSubmit={add} aria-label={`${name}: add a link`}>
      <label>
        Or link a file{' '}
        <input type="url" value={link} placeholder="https://…" aria-label={`Link to a file for ${name}`} onChange={(event) => onLinkChange(event.target.value)} />
      </label>{' '}
      <label>
        Type{' '}
        <input
          value={mimeType}
          placeholder="image/png"
          size={14}
          list={exactTypes.length ? `${question.key}-link-types` : undefined}
          aria-label={`Media type of the link for ${name}`}
          onChange={(event) => {
            setMimeType(event.target.value);
            setError(undefined);
          }}
        />
      </label>
      {exactTypes.length > 0 && (
        <datalist id={`${question.key}-link-types`}>
          {exactTypes.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      )}{' '}
      <button type="submit" disabled={room <= 0 || link.trim() === ''}>
        Add link
      </button>
      {error && (
        <span role="alert" className="tw-error">
          {' '}
          {error}
        </span>
      )}
    </form>
  );
}
