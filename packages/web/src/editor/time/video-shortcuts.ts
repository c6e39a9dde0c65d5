import type { KeyInput } from '../events.ts';
import { shortcutsFor, type Shortcut } from '../shortcuts.ts';
import type { VideoEditor } from './video-editor.ts';

/** Where a video key is listed in the help overlay, before the image editor's groups. */
export type VideoShortcutGroup = 'Frames' | 'Tracks';

/**
 * One key of the video editor's time side. The same table drives `VideoEditor.keyDown` and the
 * help overlay, as the image editor's does (editor/shortcuts.ts); keys it does not take fall
 * through to the frame's image editor.
 */
export interface VideoShortcut {
  keys: string;
  description: string;
  group: VideoShortcutGroup;
  /** A key this shortcut takes, to tell which image shortcuts it shadows (R copies here; it rotates on images). */
  example: KeyInput;
  matches(key: KeyInput): boolean;
  /** Returns whether the key was used. */
  run(editor: VideoEditor, key: KeyInput, selectedTracks: string[]): boolean;
}

const plain = (key: KeyInput) => !key.ctrlKey && !key.metaKey && !key.altKey;
const arrow = (name: string, shift: boolean) => (key: KeyInput) => plain(key) && key.key === name && !!key.shiftKey === shift;
// Letters are taken with or without Shift (Caps Lock or a held Shift must not fall through to another tool).
const letter = (value: string) => (key: KeyInput) => plain(key) && key.key.toLowerCase() === value;
const done = (action: () => void) => {
  action();
  return true;
};

export const VIDEO_SHORTCUTS: readonly VideoShortcut[] = [
  { keys: '→ / ←', description: 'Next / previous frame', group: 'Frames', example: { key: 'ArrowRight' }, matches: (key) => arrow('ArrowRight', false)(key) || arrow('ArrowLeft', false)(key), run: (editor, key) => done(() => editor.step(key.key === 'ArrowRight' ? 1 : -1)) },
  {
    keys: 'Shift+→ / Shift+←',
    description: 'Next / previous keyframe of the selected tracks',
    group: 'Frames',
    example: { key: 'ArrowRight', shiftKey: true },
    matches: (key) => arrow('ArrowRight', true)(key) || arrow('ArrowLeft', true)(key),
    run: (editor, key) => done(() => editor.jumpToKeyframe(key.key === 'ArrowRight' ? 1 : -1)),
  },
  { keys: 'Home / End', description: 'First / last frame', group: 'Frames', example: { key: 'Home' }, matches: (key) => plain(key) && (key.key === 'Home' || key.key === 'End'), run: (editor, key) => done(() => editor.setFrame(key.key === 'Home' ? 0 : editor.getState().frameCount - 1)) },
  { keys: 'K', description: 'Play or pause', group: 'Frames', example: { key: 'k' }, matches: letter('k'), run: (editor) => done(() => editor.setPlaying(!editor.getState().playing)) },
  { keys: 'O', description: 'The selected tracks are outside the frame from here on', group: 'Tracks', example: { key: 'o' }, matches: letter('o'), run: (editor, _key, selected) => each(selected, (id) => editor.setOutside(id, true)) },
  { keys: 'X', description: 'Delete the selected tracks’ keyframes on this frame', group: 'Tracks', example: { key: 'x' }, matches: letter('x'), run: (editor, _key, selected) => each(selected, (id) => editor.deleteKeyframe(id)) },
  { keys: 'S', description: 'Split the selected track at this frame', group: 'Tracks', example: { key: 's' }, matches: letter('s'), run: (editor, _key, selected) => selected.length === 1 && done(() => editor.splitTrack(selected[0])) },
  { keys: 'R', description: 'Copy the previous frame’s shapes to this frame', group: 'Tracks', example: { key: 'r' }, matches: letter('r'), run: (editor) => done(() => editor.copyPreviousFrame()) },
];

/** Runs `action` on each selected track; the key counts as used when there was one. */
function each(selected: string[], action: (id: string) => void): boolean {
  selected.forEach(action);
  return selected.length > 0;
}

/** The image editor's shortcuts that still apply on a video frame: those whose key the video table does not take. */
export function frameShortcutsFor(editor: VideoEditor): Shortcut[] {
  return shortcutsFor(editor.canvas).filter((shortcut) => !VIDEO_SHORTCUTS.some((video) => shortcut.matches(video.example)));
}
