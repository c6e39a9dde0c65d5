import type { WorkbenchTask } from '../api/types.ts';

interface AttachmentProps {
  /** What the attachment is (Scale's `attachment_type`); text attachments carry the text itself. */
  type: string | undefined;
  /** The raw attachment (a URL, or the text for `text`). */
  content: string;
  /** A browser-loadable URL, when the server supplied one. */
  url?: string;
}

/** Shows one attachment the way its type calls for. */
export function AttachmentView({ type, content, url }: AttachmentProps) {
  const source = url ?? content;
  const safe = /^(https?:|\/|data:)/i.test(source);
  switch (type) {
    case 'text':
      return <pre className="tw-attachment-text">{content}</pre>;
    case 'image':
      return safe ? <img className="tw-attachment-image" src={source} alt="Task attachment" /> : <p>{content}</p>;
    case 'video':
      return safe ? <video className="tw-attachment-media" src={source} controls /> : <p>{content}</p>;
    case 'audio':
      return safe ? <audio src={source} controls /> : <p>{content}</p>;
    default:
      return safe ? (
        <p>
          <a href={source} target="_blank" rel="noopener noreferrer">
            Open attachment ({type ?? 'file'})
          </a>
        </p>
      ) : (
        <pre className="tw-attachment-text">{content}</pre>
      );
  }
}

/** All of a task's attachments: `attachment`, then each of `attachments` (strings or `{type, content}`). */
export function TaskAttachments({ task }: { task: WorkbenchTask }) {
  const type = typeof task.params.attachment_type === 'string' ? task.params.attachment_type : undefined;
  const items: AttachmentProps[] = [];
  if (typeof task.params.attachment === 'string') items.push({ type, content: task.params.attachment, url: task.attachment_url });
  if (Array.isArray(task.params.attachments)) {
    task.params.attachments.forEach((entry, index) => {
      const url = task.attachment_urls?.[index];
      if (typeof entry === 'string') items.push({ type, content: entry, url });
      else if (entry && typeof entry === 'object' && typeof (entry as { content?: unknown }).content === 'string') {
        const typed = entry as { type?: string; content: string };
        items.push({ type: typed.type ?? type, content: typed.content, url });
      }
    });
  }
  if (items.length === 0) return null;
  return (
    <div className="tw-attachments">
      {items.map((item, index) => (
        <AttachmentView key={index} {...item} />
      ))}
    </div>
  );
}
