import type { Editor } from './editor.ts';
import type { KeyInput } from './events.ts';
import { ZOOM_STEP } from './constants.ts';
import type { ToolId } from './tools/tool.ts';

/** Where a shortcut is listed in the help overlay. */
export type ShortcutGroup = 'Tools' | 'Objects' | 'View' | 'History';

/**
 * One keyboard shortcut of the image editor. The same table drives `Editor.keyDown` and the help
 * overlay (`?`), so the overlay cannot forget a key the editor knows.
 */
export interface Shortcut {
  /** As shown to the labeler, e.g. "Ctrl+Z" or "Shift+H". */
  keys: string;
  description: string;
  group: ShortcutGroup;
  /** Only for a task that offers this tool. */
  tool?: ToolId;
  /** Only for a task where this holds (e.g. boxes may rotate). */
  when?: (editor: Editor) => boolean;
  matches(key: KeyInput): boolean;
  /** Returns whether the key was used. */
  run(editor: Editor, key: KeyInput): boolean;
}

const plain = (key: KeyInput) => !key.ctrlKey && !key.metaKey && !key.altKey;
const command = (key: KeyInput) => !!(key.ctrlKey || key.metaKey) && !key.altKey;
const is = (letter: string, shift = false) => (key: KeyInput) => plain(key) && key.key.toLowerCase() === letter && !!key.shiftKey === shift;
const oneOf = (...keys: string[]) => (key: KeyInput) => plain(key) && keys.includes(key.key);
const done = (action: () => void) => {
  action();
  return true;
};

/**
 * The tools' keys; the toolbar shows the same letters. The link tool is `I` (l-I-nk): `K`, its
 * first key, is play/pause in the video editor (as in CVAT and YouTube), which took it first.
 */
export const TOOL_KEYS: ReadonlyArray<{ tool: ToolId; key: string; shown: string; name: string }> = [
  { tool: 'select', key: 'v', shown: 'V', name: 'Select and move' },
  { tool: 'box', key: 'b', shown: 'B', name: 'Box' },
  { tool: 'polygon', key: 'p', shown: 'P', name: 'Polygon' },
  { tool: 'line', key: 'l', shown: 'L', name: 'Line' },
  { tool: 'point', key: '.', shown: '.', name: 'Point (keypoint)' },
  { tool: 'ellipse', key: 'e', shown: 'E', name: 'Ellipse' },
  { tool: 'cuboid', key: 'c', shown: 'C', name: 'Cuboid' },
  { tool: 'link', key: 'i', shown: 'I', name: 'Link two objects' },
];

/** The rotation one R press applies, in radians (5°). */
export const ROTATE_STEP = Math.PI / 36;

export const SHORTCUTS: readonly Shortcut[] = [
  ...TOOL_KEYS.map(
    ({ tool, key, shown, name }): Shortcut => ({
      keys: shown,
      description: name,
      group: 'Tools',
      tool,
      matches: is(key),
      run: (editor) => editor.setTool(tool),
    }),
  ),
  { keys: '1 – 9', description: 'Pick a label (relabels the selection)', group: 'Tools', matches: (key) => plain(key) && /^[1-9]$/.test(key.key), run: (editor, key) => editor.pickLabelByNumber(Number(key.key)) },
  { keys: ']', description: 'Next label', group: 'Tools', matches: oneOf(']'), run: (editor) => editor.cycleLabel(1) },
  { keys: '[', description: 'Previous label', group: 'Tools', matches: oneOf('['), run: (editor) => editor.cycleLabel(-1) },
  { keys: 'Esc', description: 'Cancel the drawing; clear the selection', group: 'Tools', matches: oneOf('Escape'), run: (editor) => done(() => editor.escape()) },
  { keys: 'N', description: 'Select the next object (and bring it into view)', group: 'Objects', matches: is('n'), run: (editor) => editor.selectNext(1) },
  { keys: 'Shift+N', description: 'Select the previous object', group: 'Objects', matches: is('n', true), run: (editor) => editor.selectNext(-1) },
  { keys: 'Del', description: 'Delete the selected objects', group: 'Objects', matches: oneOf('Delete', 'Backspace'), run: (editor) => done(() => editor.deleteSelected()) },
  { keys: '← ↑ → ↓', description: 'Nudge the selection 1 px (Shift: 10 px)', group: 'Objects', matches: () => false, run: () => false },
  {
    keys: 'R',
    description: 'Rotate the selected box 5° clockwise (Shift+R: back)',
    group: 'Objects',
    when: (editor) => editor.rulesFor('box').canRotate === true,
    matches: (key) => plain(key) && key.key.toLowerCase() === 'r', run: (editor, key) => editor.rotateSelected(key.shiftKey ? -ROTATE_STEP : ROTATE_STEP),
  },
  { keys: 'H', description: 'Hide or show the selected objects', group: 'Objects', matches: is('h'), run: (editor) => editor.toggleHiddenSelected() },
  { keys: 'Shift+L', description: 'Lock or unlock the selected objects', group: 'Objects', matches: is('l', true), run: (editor) => editor.toggleLockedSelected() },
  { keys: 'Shift+H', description: 'Hide or show all objects', group: 'View', matches: is('h', true), run: (editor) => done(() => editor.setView({ hideAll: !editor.getState().view.hideAll })) },
  { keys: 'F', description: 'Fill shapes on or off', group: 'View', matches: is('f'), run: (editor) => done(() => editor.setView({ showFill: !editor.getState().view.showFill })) },
  { keys: 'T', description: 'Labels on the image on or off', group: 'View', matches: is('t'), run: (editor) => done(() => editor.setView({ showLabels: !editor.getState().view.showLabels })) },
  { keys: 'Shift+T', description: 'Attributes in the labels on or off', group: 'View', matches: is('t', true), run: (editor) => done(() => editor.setView({ showAttributes: !editor.getState().view.showAttributes })) },
  { keys: '+ / −', description: 'Zoom in / out (or the mouse wheel)', group: 'View', matches: oneOf('+', '=', '-', '_'), run: (editor, key) => done(() => editor.zoomBy(key.key === '+' || key.key === '=' ? ZOOM_STEP : 1 / ZOOM_STEP)) },
  { keys: '0', description: 'Fit the image', group: 'View', matches: oneOf('0'), run: (editor) => done(() => editor.fitToImage()) },
  { keys: 'Space + drag', description: 'Pan (or drag with the middle button)', group: 'View', matches: () => false, run: () => false },
  { keys: 'Ctrl+Z', description: 'Undo', group: 'History', matches: (key) => command(key) && key.key.toLowerCase() === 'z' && !key.shiftKey, run: (editor) => done(() => editor.undo()) },
  {
    keys: 'Ctrl+Shift+Z / Ctrl+Y',
    description: 'Redo',
    group: 'History',
    matches: (key) => command(key) && ((key.key.toLowerCase() === 'z' && !!key.shiftKey) || key.key.toLowerCase() === 'y'),
    run: (editor) => done(() => editor.redo()),
  },
];

/** The shortcuts that apply to this editor's task (tools it does not offer are left out). */
export function shortcutsFor(editor: Editor): Shortcut[] {
  const tools = new Set(editor.availableTools());
  return SHORTCUTS.filter((shortcut) => (!shortcut.tool || tools.has(shortcut.tool)) && (!shortcut.when || shortcut.when(editor)));
}
