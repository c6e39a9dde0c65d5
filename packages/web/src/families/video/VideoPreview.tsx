import type { PreviewProps } from '../types.ts';
import { Canvas } from '../image/Canvas.tsx';
import { FrameBackdrop } from './FrameBackdrop.tsx';
import { Timeline } from './Timeline.tsx';
import { useVideoTaskEditor } from './VideoAnnotator.tsx';
import { useVideoRecords } from './use-video-editor.ts';
import { sourceOf } from './video-task.ts';

/** A video response played back read-only (dashboard, review, audit): the tracks over the frames, with the timeline. */
export function VideoPreview({ task, response }: PreviewProps) {
  const { editor, loading } = useVideoTaskEditor(task, response, true);
  const { tracks, events } = useVideoRecords(editor);
  const source = sourceOf(task);
  return (
    <div className="tw-preview tw-preview-video" data-testid="response-preview" data-loading={loading || undefined}>
      <div className="tw-preview-video-canvas">
        <Canvas editor={editor.canvas} imageUrl={undefined} backdrop={source && <FrameBackdrop editor={editor} source={source} />} />
      </div>
      <Timeline editor={editor} />
      <p className="tw-hint">
        {tracks.length} track{tracks.length === 1 ? '' : 's'}, {events.length} event{events.length === 1 ? '' : 's'}
      </p>
    </div>
  );
}
