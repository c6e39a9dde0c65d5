import { describe, expect, it } from 'vitest';
import { VideoEditor } from '../../src/editor/time/video-editor.ts';
import { VIDEO_SHORTCUTS, frameShortcutsFor } from '../../src/editor/time/video-shortcuts.ts';
import { editorConfigFromTask } from '../../src/editor/config.ts';

function videoEditor(params: Record<string, unknown>): VideoEditor {
  return new VideoEditor(editorConfigFromTask('imageannotation', { attachment_type: 'video', attachment: 'https://example.com/clip.mp4', frame_rate: 30, ...params }), { frameCount: 90, frameRate: 30, startTime: 0, eventLabels: [] });
}

describe('video shortcuts', () => {
  it('lists every time key in one table that also drives keyDown', () => {
    const video = videoEditor({ geometries: { box: { objects_to_annotate: ['car'] } } });
    video.keyDown({ key: 'End' });
    expect(video.getState().frame).toBe(89);
    video.keyDown({ key: 'ArrowLeft' });
    expect(video.getState().frame).toBe(88);
    video.keyDown({ key: 'Home' });
    expect(video.getState().frame).toBe(0);
    expect(video.keyDown({ key: 'k' })).toBe(true);
    expect(video.getState().playing).toBe(true);
    // A track key with no track selected is not used, and does not reach the frame's editor.
    expect(video.keyDown({ key: 'o' })).toBe(false);
    expect(VIDEO_SHORTCUTS.map((shortcut) => shortcut.keys)).toEqual(['→ / ←', 'Shift+→ / Shift+←', 'Home / End', 'K', 'O', 'X', 'S', 'R']);
  });

  it('lists the image keys a frame still takes, and leaves out those the time keys shadow (R copies, it does not rotate)', () => {
    const video = videoEditor({ geometries: { box: { objects_to_annotate: ['car'], can_rotate: true }, polygon: { objects_to_annotate: ['road'] } } });
    const keys = frameShortcutsFor(video).map((shortcut) => shortcut.keys);
    expect(keys).toEqual(expect.arrayContaining(['V', 'B', 'P', 'N', 'H', 'F', 'Ctrl+Z']));
    expect(keys).not.toContain('R');
    expect(keys).not.toContain('L'); // no line geometry in this task
    // Each listed image key still does what it says on a frame.
    expect(video.keyDown({ key: 'b' })).toBe(true);
    expect(video.canvas.getState().toolId).toBe('box');
  });
});
