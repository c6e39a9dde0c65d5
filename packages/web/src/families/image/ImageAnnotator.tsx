import { useEffect, useMemo } from 'react';
import { Editor } from '../../editor/editor.ts';
import { editorConfigFromTask } from '../../editor/config.ts';
import { attachmentUrl, type TaskEditorProps } from '../../workbench/task-editor.ts';
import { Canvas } from './Canvas.tsx';
import { Toolbar } from './Toolbar.tsx';
import { LabelPicker } from './LabelPicker.tsx';
import { AttributePanel, GlobalAttributePanel } from './AttributePanel.tsx';
import { useEditorState, useShapeIds } from './use-editor.ts';

/** Elements whose keystrokes belong to them, not to the editor's shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || !element.tagName) return false;
  if (element.isContentEditable) return true;
  if (element.tagName === 'TEXTAREA' || element.tagName === 'SELECT') return true;
  return element.tagName === 'INPUT' && !['radio', 'checkbox', 'button'].includes((element as HTMLInputElement).type);
}

/** Box, polygon, line, point, ellipse and cuboid annotation of one image (imageannotation and legacy types). */
export function ImageAnnotator({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const editor = useMemo(() => {
    const created = new Editor(editorConfigFromTask(task.type, task.params));
    const start = initialResponse ?? task.params.hypothesis;
    if (start) {
      const { skipped } = created.load(start);
      if (skipped > 0) created.notify(`${skipped} pre-filled annotation(s) could not be read and were left out.`);
    }
    return created;
    // A new task gets a new editor; the initial response only matters when the task changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [task.task_id]);

  useEffect(() => {
    onReady({ getResponse: () => editor.getResponse(), validate: () => editor.validate().map((problem) => problem.message) });
    const unsubscribeStore = editor.store.subscribe(onChange);
    let globals = editor.getState().globalAttributes;
    const unsubscribeState = editor.subscribe(() => {
      if (editor.getState().globalAttributes !== globals) {
        globals = editor.getState().globalAttributes;
        onChange();
      }
    });
    return () => {
      unsubscribeStore();
      unsubscribeState();
    };
  }, [editor, onReady, onChange]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target)) return;
      if (editor.keyDown({ key: event.key, shiftKey: event.shiftKey, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey })) {
        event.preventDefault();
      }
    };
    const onKeyUp = (event: KeyboardEvent) => editor.keyUp({ key: event.key });
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, [editor]);

  if (editor.enabledGeometries().length === 0) {
    return <p role="alert">This task asks for no geometry this editor can draw (params.geometries is empty).</p>;
  }
  return (
    <div className="tw-image-annotator">
      <Toolbar editor={editor} />
      <div className="tw-image-body">
        <Canvas editor={editor} imageUrl={attachmentUrl(task)} />
        <aside className="tw-side">
          <LabelPicker editor={editor} />
          <AttributePanel editor={editor} />
          <GlobalAttributePanel editor={editor} />
          <Status editor={editor} />
        </aside>
      </div>
    </div>
  );
}

function Status({ editor }: { editor: Editor }) {
  const notice = useEditorState(editor, (state) => state.notice);
  const count = useShapeIds(editor).length;
  return (
    <div className="tw-status">
      <p>
        {count} annotation{count === 1 ? '' : 's'}
      </p>
      {notice && (
        <p role="status" className="tw-notice">
          {notice}
        </p>
      )}
    </div>
  );
}

export { Editor };
