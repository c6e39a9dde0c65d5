import { Editor } from '../../src/editor/editor.ts';
import { editorConfigFromTask } from '../../src/editor/config.ts';
import type { Vec } from '../../src/editor/geometry.ts';

/** An editor for an imageannotation task with these params, a 1000×800 image and a 1:1 camera. */
export function makeEditor(params: Record<string, unknown>, taskType = 'imageannotation'): Editor {
  const editor = new Editor(editorConfigFromTask(taskType, params));
  editor.setViewportSize({ width: 1000, height: 800 });
  editor.setImageSize({ width: 1000, height: 800 });
  editor.setCamera({ x: 0, y: 0, zoom: 1 });
  return editor;
}

/** Press, move in a few steps, release: what a mouse drag sends. */
export function drag(editor: Editor, from: Vec, to: Vec, modifiers: { shiftKey?: boolean; altKey?: boolean } = {}): void {
  editor.pointerDown({ screen: from, button: 0, ...modifiers });
  for (const step of [0.25, 0.5, 0.75, 1]) {
    editor.pointerMove({ screen: { x: from.x + (to.x - from.x) * step, y: from.y + (to.y - from.y) * step }, ...modifiers });
  }
  editor.pointerUp({ screen: to, button: 0, ...modifiers });
}

export function click(editor: Editor, at: Vec, modifiers: { shiftKey?: boolean; altKey?: boolean } = {}): void {
  editor.pointerDown({ screen: at, button: 0, ...modifiers });
  editor.pointerUp({ screen: at, button: 0, ...modifiers });
}

export function press(editor: Editor, key: string, modifiers: { shiftKey?: boolean; ctrlKey?: boolean } = {}): boolean {
  return editor.keyDown({ key, ...modifiers });
}

export const BOX_TASK = {
  attachment: 'https://example.com/cat.jpg',
  geometries: { box: { objects_to_annotate: ['cat', 'dog'], min_width: 10, min_height: 10 } },
};
