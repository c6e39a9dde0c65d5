import { useCallback, useSyncExternalStore } from 'react';
import type { Editor, EditorState } from '../../editor/editor.ts';
import type { Shape } from '../../editor/types.ts';

/** One field of the editor's UI state; the component re-renders only when that field changes. */
export function useEditorState<T>(editor: Editor, select: (state: EditorState) => T): T {
  return useSyncExternalStore(
    useCallback((listener) => editor.subscribe(listener), [editor]),
    () => select(editor.getState()),
  );
}

/** One shape's record; re-renders only when that record changes. */
export function useShape(editor: Editor, id: string): Shape | undefined {
  return useSyncExternalStore(
    useCallback((listener) => editor.store.subscribeRecord(id, listener), [editor, id]),
    () => editor.store.get(id),
  );
}

/** The ids of all shapes, in drawing order. */
export function useShapeIds(editor: Editor): readonly string[] {
  return useSyncExternalStore(
    useCallback((listener) => editor.store.subscribeIds(listener), [editor]),
    () => editor.store.getIds(),
  );
}

export function useIsSelected(editor: Editor, id: string): boolean {
  return useSyncExternalStore(
    useCallback((listener) => editor.subscribeSelection(listener), [editor]),
    () => editor.isSelected(id),
  );
}

export function useSelectedIds(editor: Editor): readonly string[] {
  return useSyncExternalStore(
    useCallback((listener) => editor.subscribeSelection(listener), [editor]),
    () => editor.getSelectedIds(),
  );
}
