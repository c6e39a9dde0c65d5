import { memo, useState } from 'react';
import type { VideoEditor } from '../../editor/time/video-editor.ts';
import { keyframeAt, trackPresenceAt, type Track } from '../../editor/time/track.ts';
import { labelCaption } from '../../editor/labels.ts';
import { useSelectedIds } from '../image/use-editor.ts';
import { useVideoRecords, useVideoState } from './use-video-editor.ts';

/**
 * Every track: select (jumps to it when it is not on this frame), hide, lock, rename (the selected one), and at the
 * current frame mark it outside or back, delete its keyframe, split it; merge another track into it.
 * Stepping a frame re-renders no row: a row changes with its track, selection, hidden and locked
 * flags; only its "not on this frame" note and the selected row's actions follow the frame.
 */
export function TrackList({ editor }: { editor: VideoEditor }) {
  const { tracks } = useVideoRecords(editor);
  const hidden = useVideoState(editor, (state) => state.hidden);
  const locked = useVideoState(editor, (state) => state.locked);
  const selected = useSelectedIds(editor.canvas);
  return (
    <section className="tw-track-list" aria-label="Tracks">
      <h3>
        Tracks <span className="tw-hint">({tracks.length})</span>
      </h3>
      {tracks.length === 0 && <p className="tw-hint">Draw a shape to start a track. Moving it on another frame sets a keyframe.</p>}
      <ol>
        {tracks.map((track, position) => (
          <TrackItem
            key={track.id}
            editor={editor}
            track={track}
            position={position}
            selected={selected.includes(track.id)}
            hidden={hidden.has(track.id)}
            locked={locked.has(track.id)}
          />
        ))}
      </ol>
    </section>
  );
}

interface TrackItemProps {
  editor: VideoEditor;
  track: Track;
  position: number;
  selected: boolean;
  hidden: boolean;
  locked: boolean;
}

const TrackItem = memo(function TrackItem({ editor, track, position, selected, hidden, locked }: TrackItemProps) {
  const [name, setName] = useState<string | null>(null);
  const option = editor.canvas.labelsFor(track.geometry).find((candidate) => candidate.value === track.label);
  const first = track.keyframes[0].frame;
  const last = track.keyframes[track.keyframes.length - 1].frame;
  const rename = () => {
    if (name !== null) editor.renameTrack(track.id, name.trim());
    setName(null);
  };
  return (
    <li className="tw-track" data-track-id={track.id} data-selected={selected || undefined} aria-current={selected || undefined}>
      <div className="tw-track-head">
        <button type="button" className="tw-track-select" style={{ borderColor: editor.canvas.colorOf(track.label) }} onClick={() => editor.selectTrack(track.id)}>
          {position + 1}
        </button>
        {selected ? (
          <input
            className="tw-track-name"
            aria-label={`Name of track ${position + 1}`}
            placeholder={option ? labelCaption(option) : track.label}
            value={name ?? track.name}
            onChange={(event) => setName(event.target.value)}
            onBlur={rename}
            onKeyDown={(event) => {
              if (event.key === 'Enter') rename();
            }}
          />
        ) : (
          // Text, not 50 idle inputs: each input is a scroll container of its own, and inside the
          // side panel's scroller they made every frame's compositing update walk 50 more clips.
          <span className="tw-track-name" title="Select the track to rename it" onClick={() => editor.selectTrack(track.id)}>
            {track.name || (option ? labelCaption(option) : track.label)}
          </span>
        )}
        <button type="button" aria-pressed={hidden} title="Hide on the canvas" onClick={() => editor.toggleHidden(track.id)}>
          {hidden ? 'Show' : 'Hide'}
        </button>
        <button type="button" aria-pressed={locked} title="Lock against edits" onClick={() => editor.toggleLocked(track.id)}>
          {locked ? 'Unlock' : 'Lock'}
        </button>
      </div>
      <p className="tw-hint">
        {track.geometry} · {option ? labelCaption(option) : track.label || '(no label)'} · frames {first}–{last} · {track.keyframes.filter((entry) => !entry.outside).length} keyframes
        <PresenceNote editor={editor} track={track} />
      </p>
      {selected && <TrackActions editor={editor} track={track} position={position} />}
    </li>
  );
});

/** Whether the track is on the current frame; re-renders only when that answer changes, not every frame. */
function PresenceNote({ editor, track }: { editor: VideoEditor; track: Track }) {
  const presence = useVideoState(editor, (state) => trackPresenceAt(track, state.frame));
  if (presence === 'absent') return <> · not on this frame</>;
  if (presence === 'held') return <> · past its last keyframe here</>;
  return null;
}

/** The selected track's commands at the current frame (the one part of the list that follows the frame). */
function TrackActions({ editor, track, position }: { editor: VideoEditor; track: Track; position: number }) {
  const frame = useVideoState(editor, (state) => state.frame);
  const here = trackPresenceAt(track, frame) !== 'absent';
  const keyframe = keyframeAt(track, frame);
  const first = track.keyframes[0].frame;
  const last = track.keyframes[track.keyframes.length - 1].frame;
  return (
    <div className="tw-track-actions">
      {here ? (
        <button type="button" title="The object leaves the picture here (O)" onClick={() => editor.setOutside(track.id, true)}>
          Outside from here
        </button>
      ) : (
        <button type="button" title="The object is back on this frame" onClick={() => editor.setOutside(track.id, false)}>
          Back here
        </button>
      )}
      <button type="button" disabled={!keyframe} title="Delete this frame's keyframe (X)" onClick={() => editor.deleteKeyframe(track.id)}>
        Delete keyframe
      </button>
      <button type="button" disabled={frame <= first || frame > last} title="Start a new track here (S)" onClick={() => editor.splitTrack(track.id)}>
        Split here
      </button>
      <MergeControl editor={editor} track={track} position={position} />
      <button type="button" className="tw-danger" onClick={() => editor.deleteTrack(track.id)}>
        Delete track
      </button>
    </div>
  );
}

/** "Merge in…": every other track of the same geometry; changes with the tracks, not with the frame. */
const MergeControl = memo(function MergeControl({ editor, track, position }: { editor: VideoEditor; track: Track; position: number }) {
  const { tracks } = useVideoRecords(editor);
  const mergeable = tracks.filter((other) => other.id !== track.id && other.geometry === track.geometry);
  return (
    <select
      aria-label={`Merge a track into track ${position + 1}`}
      value=""
      disabled={mergeable.length === 0}
      onChange={(event) => {
        if (event.target.value) editor.mergeTracks(track.id, event.target.value);
      }}
    >
      <option value="">Merge in…</option>
      {mergeable.map((other) => (
        <option key={other.id} value={other.id}>
          Track {tracks.indexOf(other) + 1} {other.name || other.label}
        </option>
      ))}
    </select>
  );
});
