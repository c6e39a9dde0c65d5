import { memo, useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { useIsSelected, useShape, useShapeIds } from './use-editor.ts';

/** Per-label counts as one string, so the header re-renders only when a count changes, not on every drag step. */
function useLabelCounts(editor: Editor): Array<[string, number]> {
  const key = useSyncExternalStore(
    useCallback((listener) => editor.store.subscribe(listener), [editor]),
    () => {
      const counts = new Map<string, number>();
      for (const shape of editor.store.getAll()) counts.set(shape.label, (counts.get(shape.label) ?? 0) + 1);
      return JSON.stringify([...counts]);
    },
  );
  return useMemo(() => JSON.parse(key) as Array<[string, number]>, [key]);
}

/** Ids of the objects with this label; only subscribes to every change while a filter is on. */
function useFilteredIds(editor: Editor, label: string | null, ids: readonly string[]): readonly string[] {
  const key = useSyncExternalStore(
    useCallback((listener) => (label === null ? () => {} : editor.store.subscribe(listener)), [editor, label]),
    () => (label === null ? '' : ids.filter((id) => editor.store.get(id)?.label === label).join('\n')),
  );
  return useMemo(() => (label === null ? ids : key ? key.split('\n') : []), [label, ids, key]);
}

/**
 * Every object beside the image, as CVAT and Label Studio show them: click to select and jump to
 * it; hide, lock and delete each; filter by label, with counts. Each row follows only its own
 * record, so dragging one box among 1,000 re-renders one row.
 */
export function ObjectList({ editor }: { editor: Editor }) {
  const ids = useShapeIds(editor);
  const counts = useLabelCounts(editor);
  const [filter, setFilter] = useState<string | null>(null);
  const shown = useFilteredIds(editor, filter, ids);
  return (
    <section className="tw-objects" aria-label="Objects">
      <header className="tw-objects-header">
        <h3>
          Objects <span className="tw-count">{ids.length}</span>
        </h3>
        <select aria-label="Show objects with label" value={filter ?? ''} onChange={(event) => setFilter(event.target.value === '' ? null : event.target.value)}>
          <option value="">All labels ({ids.length})</option>
          {counts.map(([label, count]) => (
            <option key={label} value={label}>
              {editor.captionOfLabel(label)} ({count})
            </option>
          ))}
        </select>
      </header>
      {ids.length === 0 ? (
        <p className="tw-hint">No objects yet. Pick a tool and draw on the image.</p>
      ) : (
        <div className="tw-object-rows" role="list">
          {chunksOf(shown).map((chunk) => (
            <div key={chunk.key} className="tw-object-chunk">
              {chunk.ids.map((id) => (
                <ObjectRow key={id} editor={editor} id={id} position={ids.indexOf(id) + 1} />
              ))}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

/** Rows per chunk: the unit of the list that skips style, layout and paint while scrolled away. */
const CHUNK_ROWS = 50;

/**
 * The rows in chunks of CHUNK_ROWS, each a `content-visibility: auto` box. Chromium watches every
 * such box with an intersection observation computed on every frame: per row, 1,000 rows cost
 * about 2 ms of each drag or zoom frame; per chunk, 20 boxes do. Keyed by position.
 */
function chunksOf(ids: readonly string[]): Array<{ key: number; ids: readonly string[] }> {
  const chunks: Array<{ key: number; ids: readonly string[] }> = [];
  for (let start = 0; start < ids.length; start += CHUNK_ROWS) chunks.push({ key: start, ids: ids.slice(start, start + CHUNK_ROWS) });
  return chunks;
}

function useFlag(editor: Editor, read: () => boolean): boolean {
  return useSyncExternalStore(useCallback((listener) => editor.subscribeFlags(listener), [editor]), read);
}

const ObjectRow = memo(function ObjectRow({ editor, id, position }: { editor: Editor; id: string; position: number }) {
  const shape = useShape(editor, id);
  const selected = useIsSelected(editor, id);
  const hidden = useFlag(editor, () => editor.isHidden(id));
  const locked = useFlag(editor, () => editor.isLocked(id));
  if (!shape) return null;
  const base = editor.isBase(id);
  return (
    <div role="listitem" className="tw-object-row" data-object-id={id} data-selected={selected || undefined} data-hidden={hidden || undefined}>
      <button
        type="button"
        className="tw-object-name"
        title="Select and bring into view"
        onClick={(event) => (event.shiftKey ? editor.toggleSelected(id) : editor.selectAndReveal(id))}
      >
        <span className="tw-swatch" style={{ background: editor.colorOf(shape.label) }} />
        <span className="tw-object-index">#{position}</span> {editor.labelCaptionOf(shape)}
        <span className="tw-object-type">
          {shape.type}
          {base ? ' · given' : ''}
        </span>
      </button>
      <button type="button" className="tw-icon" aria-pressed={hidden} title={hidden ? 'Show' : 'Hide'} onClick={() => editor.setHidden([id], !hidden)}>
        {hidden ? 'Show' : 'Hide'}
      </button>
      <button type="button" className="tw-icon" aria-pressed={locked} title={locked ? 'Unlock' : 'Lock'} onClick={() => editor.setLocked([id], !locked)}>
        {locked ? 'Unlock' : 'Lock'}
      </button>
      <button
        type="button"
        className="tw-icon"
        title="Delete"
        disabled={!editor.canDelete(shape)}
        onClick={() => editor.deleteShapes([id])}
      >
        Delete
      </button>
    </div>
  );
});
