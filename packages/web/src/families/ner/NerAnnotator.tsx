import { useRef, useState } from 'react';
import { labelColor } from '../../editor/labels.ts';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { useResponseSource } from '../../workbench/use-response-source.ts';
import { addSpan, parseNerLabels, readSpans, segments, toNerResponse, trimSpan, type EntitySpan } from './spans.ts';

/** The character offset in the task text of a DOM selection point inside the text container. */
function offsetOf(node: Node | null, offset: number): number | undefined {
  let element: Node | null = node;
  // A selection point in a text node: its segment's start plus the offset within it.
  while (element && !(element instanceof HTMLElement && element.dataset.start !== undefined)) element = element.parentNode;
  if (!element) return undefined;
  const start = Number((element as HTMLElement).dataset.start);
  return node && node.nodeType === Node.TEXT_NODE ? start + offset : start;
}

/** The task text's range covered by the current selection, if it lies inside `container`. */
export function selectedRange(container: HTMLElement): { start: number; end: number } | undefined {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return undefined;
  const range = selection.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return undefined;
  const start = offsetOf(range.startContainer, range.startOffset);
  const end = offsetOf(range.endContainer, range.endOffset);
  return start === undefined || end === undefined ? undefined : { start, end };
}

/** namedentityrecognition: select text, pick a label; click an entity to remove it. */
export function NerAnnotator({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const text = typeof task.params.text === 'string' ? task.params.text : '';
  const labels = parseNerLabels(task.params.labels);
  const [spans, setSpans] = useState<EntitySpan[]>(() => readSpans(text, initialResponse));
  const [notice, setNotice] = useState<string | null>(null);
  const textRef = useRef<HTMLDivElement>(null);

  useResponseSource(spans, (current) => toNerResponse(text, current), () => [], { onReady, onChange });

  const labelSelection = (label: string) => {
    const range = textRef.current && selectedRange(textRef.current);
    if (!range) return setNotice('Select some text first.');
    const trimmed = trimSpan(text, range.start, range.end);
    const next = addSpan(spans, { ...trimmed, label });
    if (typeof next === 'string') return setNotice(next);
    setSpans(next);
    setNotice(null);
    window.getSelection()?.removeAllRanges();
  };

  return (
    <div className="tw-ner">
      <div className="tw-ner-labels" role="toolbar" aria-label="Entity labels">
        {labels.map((label, index) => (
          <button
            key={label.name}
            type="button"
            title={label.description}
            // Keep the text selection: a mousedown on a button would otherwise clear it first.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => labelSelection(label.name)}
            style={{ borderColor: labelColor(label.name) }}
          >
            {label.display}
            {index < 9 && <kbd>{index + 1}</kbd>}
          </button>
        ))}
      </div>
      {notice && (
        <p role="status" className="tw-notice">
          {notice}
        </p>
      )}
      <div
        ref={textRef}
        className="tw-ner-text"
        data-testid="ner-text"
        tabIndex={0}
        onKeyDown={(event) => {
          const label = /^[1-9]$/.test(event.key) ? labels[Number(event.key) - 1] : undefined;
          if (label) {
            event.preventDefault();
            labelSelection(label.name);
          }
        }}
      >
        {segments(text, spans).map((piece) =>
          piece.span ? (
            <mark
              key={piece.start}
              data-label={piece.span.label}
              style={{ background: labelColor(piece.span.label), color: 'white' }}
              title={`${piece.span.label}: click to remove`}
              onClick={() => setSpans((current) => current.filter((span) => span !== piece.span))}
            >
              <span data-start={piece.start}>{text.slice(piece.start, piece.end)}</span>
              <sup>{piece.span.label}</sup>
            </mark>
          ) : (
            <span key={piece.start} data-start={piece.start}>
              {text.slice(piece.start, piece.end)}
            </span>
          ),
        )}
      </div>
    </div>
  );
}
