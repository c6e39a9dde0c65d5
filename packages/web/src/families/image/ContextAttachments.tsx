import { useEffect, useState } from 'react';

/** The `context_attachments` URLs a browser can show (task-types.md §2.1: `[{"attachment": url}]`). */
export function contextAttachmentUrls(params: Record<string, unknown>): string[] {
  const entries = Array.isArray(params.context_attachments) ? params.context_attachments : [];
  return entries.flatMap((entry) => {
    const url = entry && typeof entry === 'object' ? (entry as { attachment?: unknown }).attachment : undefined;
    return typeof url === 'string' && /^(https?:|data:image\/)/i.test(url) ? [url] : [];
  });
}

/**
 * Reference images beside the task's image (§2.3.5): a strip of thumbnails, each opening full
 * screen on click. Never drawable, never saved.
 */
export function ContextAttachments({ params }: { params: Record<string, unknown> }) {
  const urls = contextAttachmentUrls(params);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    if (open === null) return;
    // Escape closes the viewer before the editor sees it (capture phase), so it does not also clear the selection.
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        event.preventDefault();
        setOpen(null);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);
  if (urls.length === 0) return null;
  return (
    <section className="tw-context" aria-label="Context images">
      <h3>Context ({urls.length})</h3>
      <div className="tw-context-strip">
        {urls.map((url, index) => (
          <button key={url + index} type="button" className="tw-context-thumb" aria-label={`Open context image ${index + 1}`} onClick={() => setOpen(index)}>
            <img src={url} alt={`Context image ${index + 1}`} loading="lazy" />
          </button>
        ))}
      </div>
      {open !== null && (
        <div className="tw-overlay" role="dialog" aria-label={`Context image ${open + 1} of ${urls.length}`} onClick={() => setOpen(null)}>
          <img className="tw-context-full" src={urls[open]} alt={`Context image ${open + 1}`} />
        </div>
      )}
    </section>
  );
}
