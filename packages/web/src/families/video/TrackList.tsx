import { useState } from 'react';
import type { VideoEditor } from '../../editor/time/video-editor.ts';
import { keyframeAt, trackShapeAt, type Track } from '../../editor/time/track.ts';
import { labelCaption } from '../../editor/labels.ts';
import { useSelectedIds } from '../image/use-editor.ts';
import { useVideoRecords, useVideoState } from './use-video-editor.ts';

/**
 * Every track: select (jumps to it when it is not on this frame), hide, lock, rename, and at the
 * current frame mark it outside or back, delete its keyframe, split it; merge another track into it.
 */
export function TrackList({ editor }: { editor: VideoEditor }) {
  const { tracks } = useVideoRecords(editor);
  const frame = useVideoState(editor, (state) => state.frame);
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
            tracks={tracks}
            frame={frame}
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
  tracks: Track[];
  frame: number;
  selected: boolean;
  hidden: boolean;
  locked: boolean;
}

function TrackItem({ editor, track, position, tracks, frame, selected, hidden, locked }: TrackItemProps) {
  const [name, setName] = useState<string | null>(null);
  const here = trackShapeAt(track, frame);
  const keyframe = keyframeAt(track, frame);
  const option = editor.canvas.labelsFor(track.geometry).find((candidate) => candidate.value === track.label);
  const mergeable = tracks.filter((other) => other.id !== track.id && other.geometry === track.geometry);
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
        <button type="button" aria-pressed={hidden} title="Hide on the canvas" onClick={() => editor.toggleHidden(track.id)}>
          {hidden ? 'Show' : 'Hide'}
        </button>
        <button type="button" aria-pressed={locked} title="Lock against edits" onClick={() => editor.toggleLocked(track.id)}>
          {locked ? 'Unlock' : 'Lock'}
        </button>
      </div>
      <p className="tw-hint">
        {track.geometry} · {option ? labelCaption(option) : track.label || '(no label)'} · frames {first}–{last} · {track.keyframes.filter((entry) => !entry.outside).length} keyframes
        {here ? (here.kind === 'held' ? ' · past its last keyframe here' : '') : ' · not on this frame'}
      </p>
      {selected && (
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
          <button type="button" className="tw-danger" onClick={() => editor.deleteTrack(track.id)}>
            Delete track
          </button>
        </div>
      )}
    </li>
  );
}
