import { describe, expect, it } from 'vitest';
import { Profiler } from 'react';
import { act, render, screen, within } from '@testing-library/react';
import { VideoEditor } from '../../src/editor/time/video-editor.ts';
import { editorConfigFromTask } from '../../src/editor/config.ts';
import { TrackList } from '../../src/families/video/TrackList.tsx';
import { Timeline } from '../../src/families/video/Timeline.tsx';

const PARAMS = { attachment_type: 'video', attachment: 'https://example.com/clip.mp4', frame_rate: 30, geometries: { box: { objects_to_annotate: ['car'] } } };

/** Two box tracks: one keyed at frames 0 and 30, one at 10 and 20. */
function editorWithTracks(): VideoEditor {
  const editor = new VideoEditor(editorConfigFromTask('imageannotation', PARAMS), { frameCount: 100, frameRate: 30, startTime: 0, eventLabels: [] });
  const keyframe = (frame: number, left: number) => ({ frame, left, top: 10, width: 20, height: 20, attributes: {} });
  editor.load({
    frame_count: 100,
    tracks: [
      { uuid: 'a', label: 'car', geometry: 'box', keyframes: [keyframe(0, 0), keyframe(30, 60)] },
      { uuid: 'b', label: 'car', geometry: 'box', keyframes: [keyframe(10, 100), keyframe(20, 120)] },
    ],
    events: [],
  });
  return editor;
}

const noteOf = (trackId: string) => document.querySelector(`.tw-track[data-track-id="${trackId}"] .tw-hint`)!.textContent;

describe('video track list and timeline', () => {
  it('notes which tracks are on the current frame as the frame moves', () => {
    const editor = editorWithTracks();
    render(<TrackList editor={editor} />);
    expect(noteOf('b')).toContain('not on this frame');
    act(() => editor.setFrame(15));
    expect(noteOf('b')).not.toContain('not on this frame');
    expect(noteOf('a')).not.toContain('not on this frame');
    act(() => editor.setFrame(25));
    expect(noteOf('b')).toContain('past its last keyframe here');
  });

  it('re-renders nothing in the track list on a frame step that changes no track’s presence', () => {
    const editor = editorWithTracks();
    let commits = 0;
    render(
      <Profiler id="tracks" onRender={() => commits++}>
        <TrackList editor={editor} />
      </Profiler>,
    );
    act(() => editor.setFrame(12));
    const settled = commits;
    for (const frame of [13, 14, 15, 16]) act(() => editor.setFrame(frame));
    expect(commits).toBe(settled);
  });

  it('follows the frame in the selected track’s actions', () => {
    const editor = editorWithTracks();
    render(<TrackList editor={editor} />);
    act(() => editor.selectTrack('a'));
    const actions = () => within(document.querySelector('.tw-track[data-track-id="a"]') as HTMLElement);
    expect((actions().getByRole('button', { name: 'Delete keyframe' }) as HTMLButtonElement).disabled).toBe(false);
    act(() => editor.setFrame(5));
    expect((actions().getByRole('button', { name: 'Delete keyframe' }) as HTMLButtonElement).disabled).toBe(true);
    expect(actions().getByRole('combobox', { name: 'Merge a track into track 1' }).querySelectorAll('option')).toHaveLength(2);
  });

  it('moves the playhead with the frame and draws each track’s keyframe marks', () => {
    const editor = editorWithTracks();
    const { container } = render(<Timeline editor={editor} />);
    expect(container.querySelectorAll('path[data-keyframes="2"]')).toHaveLength(2);
    act(() => editor.setFrame(49));
    expect((container.querySelector('.tw-playhead') as HTMLElement).style.transform).toBe('translateX(49.5%)');
    expect((screen.getByLabelText('Scrub') as HTMLInputElement).value).toBe('49');
  });
});
