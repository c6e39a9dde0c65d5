import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { VideoEditor, VideoState } from '../../editor/time/video-editor.ts';
import type { Track, VideoEvent } from '../../editor/time/track.ts';

/** One field of the timeline state; re-renders only when it changes. */
export function useVideoState<T>(editor: VideoEditor, select: (state: VideoState) => T): T {
  return useSyncExternalStore(
    useCallback((listener) => editor.subscribe(listener), [editor]),
    () => select(editor.getState()),
  );
}

/** Tracks and events, re-read when the store changes (the store's id list and records are immutable). */
export function useVideoRecords(editor: VideoEditor): { tracks: Track[]; events: VideoEvent[] } {
  const cache = useRef<{ version: readonly string[]; records: unknown[]; value: { tracks: Track[]; events: VideoEvent[] } } | null>(null);
  return useSyncExternalStore(
    useCallback((listener) => editor.store.subscribe(listener), [editor]),
    () => {
      const ids = editor.store.getIds();
      const records = ids.map((id) => editor.store.get(id));
      const previous = cache.current;
      if (previous && previous.version === ids && previous.records.every((record, index) => record === records[index])) return previous.value;
      const value = { tracks: editor.tracks(), events: editor.events() };
      cache.current = { version: ids, records, value };
      return value;
    },
  );
}
