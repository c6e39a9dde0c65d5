import { useEffect, useRef } from 'react';
import { attachmentUrl } from '../../workbench/task-editor.ts';
import { decodeIndexRle, mappingEntries, type LabelMapping } from '@tagwright/formats';
import { isDraft, renderedMask } from './load-mask.ts';

interface PreviewTask {
  type: string;
  params: Record<string, unknown>;
  attachment_url?: string;
}

/**
 * A segmentation response over its image, read-only: a rendered response shows its combined PNG;
 * a draft or pending consensus response (inline mask) is painted from its runs.
 */
export function MaskPreview({ task, response }: { task: PreviewTask; response: unknown }) {
  const url = attachmentUrl(task as Parameters<typeof attachmentUrl>[0]);
  const rendered = renderedMask(response);
  const labelMapping: LabelMapping | undefined = rendered?.labelMapping ?? (isDraft(response) ? response.labelMapping : undefined);
  const combined = rendered && typeof rendered.combined.image === 'string' ? rendered.combined.image : undefined;
  return (
    <div className="tw-preview tw-preview-mask" data-testid="response-preview">
      <div className="tw-mask-preview-frame">
        {url && <img src={url} alt="Image" className="tw-mask-preview-image" />}
        {combined && <img src={combined} alt="Mask" className="tw-mask-preview-overlay" data-testid="mask-overlay" />}
        {!combined && isDraft(response) && <DraftCanvas draft={response} />}
      </div>
      <ul className="tw-legend" aria-label="Labels">
        {labelMapping &&
          mappingEntries(labelMapping).map(({ label, entry, instance, ordinal }) => (
            <li key={entry.index}>
              <span className="tw-swatch" style={{ background: entry.color }} /> {label}
              {instance ? ` #${ordinal + 1}` : ''} <span className="tw-hint">index {entry.index}{entry.numPixels !== undefined ? `, ${entry.numPixels.toLocaleString('en')} px` : ''}</span>
            </li>
          ))}
        {!labelMapping && <li className="tw-hint">No mask.</li>}
      </ul>
    </div>
  );
}

function DraftCanvas({ draft }: { draft: { labelMapping: LabelMapping; mask: { width: number; height: number; rle: string } } }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let values: Uint16Array;
    try {
      values = decodeIndexRle(draft.mask);
    } catch {
      return;
    }
    canvas.width = draft.mask.width;
    canvas.height = draft.mask.height;
    const context = canvas.getContext('2d')!;
    const image = context.createImageData(draft.mask.width, draft.mask.height);
    const words = new Uint32Array(image.data.buffer);
    const colours = new Map<number, number>();
    for (const { entry } of mappingEntries(draft.labelMapping)) {
      const rgb = parseInt(entry.color.slice(1), 16);
      colours.set(entry.index, ((255 << 24) | ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >> 16) & 0xff)) >>> 0);
    }
    for (let offset = 0; offset < values.length; offset++) words[offset] = colours.get(values[offset]) ?? 0;
    context.putImageData(image, 0, 0);
  }, [draft]);
  return <canvas ref={ref} className="tw-mask-preview-overlay" data-testid="mask-overlay" />;
}
