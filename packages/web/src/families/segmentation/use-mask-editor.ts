import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { MaskEditor, MaskEditorState } from '../../editor/raster/mask-editor.ts';
import type { SegmentRecord } from '../../editor/raster/segment.ts';

/** One field of the mask editor's UI state; re-renders only when it changes. */
export function useMaskState<T>(editor: MaskEditor, select: (state: MaskEditorState) => T): T {
  return useSyncExternalStore(
    useCallback((listener) => editor.subscribe(listener), [editor]),
    () => select(editor.getState()),
  );
}

/** The segments (labels and instances); re-renders when one is added, removed or changed, not on strokes. */
export function useSegments(editor: MaskEditor): SegmentRecord[] {
  const cache = useRef<SegmentRecord[]>([]);
  return useSyncExternalStore(
    useCallback((listener) => editor.store.subscribe(listener), [editor]),
    () => {
      const next = editor.getSegments();
      const previous = cache.current;
      if (next.length !== previous.length || next.some((segment, position) => segment !== previous[position])) cache.current = next;
      return cache.current;
    },
  );
}
