import { memo, useState, type MouseEvent as ReactMouseEvent } from 'react';
import type { VideoEditor } from '../../editor/time/video-editor.ts';
import type { Track, VideoEvent } from '../../editor/time/track.ts';
import { useSelectedIds } from '../image/use-editor.ts';
import { useVideoRecords, useVideoState } from './use-video-editor.ts';

/** `m:ss.cc` of a frame. */
function clock(editor: VideoEditor, frame: number): string {
  const seconds = editor.settings.startTime + frame / editor.settings.frameRate;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(2).padStart(5, '0')}`;
}

/**
 * Play/pause, stepping by frame and by keyframe, jumping to a frame, a scrubber, and one row per
 * track with its keyframe marks and outside spans, plus a row of events. Each row is one SVG path
 * per kind of mark, so 50 tracks with 600 keyframes each stay a few hundred elements. A frame step
 * re-renders only the controls and moves the playhead (its own compositor layer, so the rows are
 * not repainted under it); a row is drawn again only when its track changes.
 */
export function Timeline({ editor }: { editor: VideoEditor }) {
  const frame = useVideoState(editor, (state) => state.frame);
  const frameCount = useVideoState(editor, (state) => state.frameCount);
  const playing = useVideoState(editor, (state) => state.playing);
  const [typed, setTyped] = useState<string | null>(null);
  const jump = () => {
    if (typed !== null && typed.trim() !== '' && Number.isFinite(Number(typed))) editor.setFrame(Number(typed));
    setTyped(null);
  };
  return (
    <div className="tw-timeline" aria-label="Timeline">
      <div className="tw-timeline-controls" role="toolbar" aria-label="Playback">
        <button type="button" title="First frame (Home)" onClick={() => editor.setFrame(0)}>
          First
        </button>
        <button type="button" title="Previous keyframe (Shift+←)" aria-label="Previous keyframe" onClick={() => editor.jumpToKeyframe(-1)}>
          ◆◀
        </button>
        <button type="button" title="Previous frame (←)" aria-label="Previous frame" onClick={() => editor.step(-1)}>
          ◀
        </button>
        <button type="button" className="tw-play" title="Play or pause (K)" aria-pressed={playing} onClick={() => editor.setPlaying(!playing)}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" title="Next frame (→)" aria-label="Next frame" onClick={() => editor.step(1)}>
          ▶
        </button>
        <button type="button" title="Next keyframe (Shift+→)" aria-label="Next keyframe" onClick={() => editor.jumpToKeyframe(1)}>
          ▶◆
        </button>
        <button type="button" title="Last frame (End)" onClick={() => editor.setFrame(frameCount - 1)}>
          Last
        </button>
        <label className="tw-frame-jump">
          Frame{' '}
          <input
            type="number"
            min={0}
            max={frameCount - 1}
            aria-label="Frame number"
            value={typed ?? String(frame)}
            onChange={(event) => setTyped(event.target.value)}
            onBlur={jump}
            onKeyDown={(event) => {
              if (event.key === 'Enter') jump();
            }}
          />{' '}
          / {frameCount - 1}
        </label>
        <span className="tw-clock" aria-label="Time">
          {clock(editor, frame)}
        </span>
      </div>
      <input
        className="tw-scrubber"
        type="range"
        min={0}
        max={Math.max(0, frameCount - 1)}
        value={frame}
        aria-label="Scrub"
        onChange={(event) => editor.setFrame(Number(event.target.value))}
      />
      <div className="tw-track-area">
        <TrackRows editor={editor} frameCount={frameCount} />
        <div className="tw-playhead-row" aria-hidden="true">
          {/* As wide as the row, so translateX in % is a position in the row; transform moves it without layout. */}
          <div className="tw-playhead" style={{ transform: `translateX(${((frame + 0.5) / frameCount) * 100}%)` }} />
        </div>
      </div>
    </div>
  );
}

/** The track and event rows; they change only when tracks or events do, not on every frame step. */
const TrackRows = memo(function TrackRows({ editor, frameCount }: { editor: VideoEditor; frameCount: number }) {
  const { tracks, events } = useVideoRecords(editor);
  const selected = useSelectedIds(editor.canvas);
  const hidden = useVideoState(editor, (state) => state.hidden);
  return (
    <div className="tw-track-rows">
      {tracks.map((track, position) => (
        <TrackRow key={track.id} editor={editor} track={track} position={position} frameCount={frameCount} selected={selected.includes(track.id)} hidden={hidden.has(track.id)} />
      ))}
      {editor.settings.eventLabels.length > 0 && (
        <div className="tw-track-row tw-event-row">
          <span className="tw-track-row-name">Events</span>
          <svg viewBox={`0 0 ${frameCount} 10`} preserveAspectRatio="none" onClick={(event) => seek(editor, frameCount, event)} role="img" aria-label="Events">
            <EventMarks events={events} />
          </svg>
        </div>
      )}
    </div>
  );
});

/** Moves to the frame under the pointer in a row (and selects the row's track). */
function seek(editor: VideoEditor, frameCount: number, event: ReactMouseEvent<SVGSVGElement>, trackId?: string): void {
  const rect = event.currentTarget.getBoundingClientRect();
  editor.setFrame(((event.clientX - rect.left) / rect.width) * frameCount);
  if (trackId) editor.selectTrack(trackId);
}

interface TrackRowProps {
  editor: VideoEditor;
  track: Track;
  position: number;
  frameCount: number;
  selected: boolean;
  hidden: boolean;
}

/** One track's row: drawn again when its track (an edit), place, selection or visibility changes. */
const TrackRow = memo(function TrackRow({ editor, track, position, frameCount, selected, hidden }: TrackRowProps) {
  const color = editor.canvas.colorOf(track.label);
  return (
    <div className="tw-track-row" data-track-id={track.id} data-selected={selected || undefined} data-hidden={hidden || undefined}>
      <span className="tw-track-row-name" style={{ color }}>
        {track.name || `${position + 1} ${track.label}`}
      </span>
      <svg viewBox={`0 0 ${frameCount} 10`} preserveAspectRatio="none" onClick={(event) => seek(editor, frameCount, event, track.id)} role="img" aria-label={`Keyframes of track ${position + 1}`}>
        <TrackMarks track={track} color={color} />
      </svg>
    </div>
  );
});

/** Spans where the track is listed (first to last keyframe, minus outside stretches) and a tick per keyframe. */
function TrackMarks({ track, color }: { track: Track; color: string }) {
  let spans = '';
  let ticks = '';
  track.keyframes.forEach((keyframe, index) => {
    const next = track.keyframes[index + 1];
    if (!keyframe.outside && next) spans += `M${keyframe.frame} 5H${next.frame}`;
    if (!keyframe.outside) ticks += `M${keyframe.frame + 0.5} 1V9`;
  });
  const outside = track.keyframes.filter((keyframe) => keyframe.outside).map((keyframe) => `M${keyframe.frame + 0.5} 2V8`).join('');
  return (
    <>
      <path d={spans} stroke={color} strokeWidth={4} vectorEffect="non-scaling-stroke" opacity={0.5} />
      <path d={ticks} stroke={color} strokeWidth={3} vectorEffect="non-scaling-stroke" data-keyframes={track.keyframes.filter((keyframe) => !keyframe.outside).length} />
      <path d={outside} stroke="#6b7280" strokeWidth={3} strokeDasharray="2 2" vectorEffect="non-scaling-stroke" />
    </>
  );
}

function EventMarks({ events }: { events: VideoEvent[] }) {
  return (
    <>
      {events.map((event) =>
        event.type === 'range' ? (
          <rect key={event.id} x={event.start} y={2} width={(event.end ?? event.start) - event.start + 1} height={6} fill="#f59e0b" opacity={0.7}>
            <title>{`${event.label} ${event.start}–${event.end}`}</title>
          </rect>
        ) : (
          <path key={event.id} d={`M${event.start + 0.5} 0V10`} stroke="#dc2626" strokeWidth={3} vectorEffect="non-scaling-stroke">
            <title>{`${event.label} at ${event.start}`}</title>
          </path>
        ),
      )}
    </>
  );
}
