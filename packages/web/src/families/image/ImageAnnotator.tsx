import { useEffect, useMemo, useState } from 'react';
import { Editor } from '../../editor/editor.ts';
import { editorConfigFromTask } from '../../editor/config.ts';
import { attachmentUrl, type TaskEditorProps } from '../../workbench/task-editor.ts';
import { useEditorKeys } from '../../workbench/use-editor-keys.ts';
import { Canvas } from './Canvas.tsx';
import { Toolbar } from './Toolbar.tsx';
import { LabelPicker } from './LabelPicker.tsx';
import { AttributePanel, GlobalAttributePanel } from './AttributePanel.tsx';
import { ObjectList } from './ObjectList.tsx';
import { LinksPanel } from './LinksPanel.tsx';
import { ViewControls } from './ViewControls.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { ContextAttachments } from './ContextAttachments.tsx';
import { useEditorState, useShapeIds } from './use-editor.ts';

/** Box, polygon, line, point, ellipse and cuboid annotation of one image (imageannotation and legacy types). */
export function ImageAnnotator({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const editor = useMemo(() => {
    const created = new Editor(editorConfigFromTask(task.type, task.params));
    // The draft (or the response under review) if there is one; else hypothesis + base_annotations.
    const { skipped } = created.loadTask(task.params, initialResponse ?? undefined);
    if (skipped > 0) created.notify(`${skipped} pre-filled annotation(s) could not be read and were left out.`);
    return created;
    // A new task gets a new editor; the initial response only matters when the task changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [task.task_id]);

  useEffect(() => {
    onReady({ getResponse: () => editor.getResponse(), validate: () => editor.validate().map((problem) => problem.message) });
    // Finished edits only (history.subscribeEdits): the pointer moves of a drag and a gesture that was
    // cancelled or rejected (a too-small box) neither mark the draft unsaved nor reach autosave.
    const unsubscribeStore = editor.history.subscribeEdits(onChange);
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

  const [helpOpen, setHelpOpen] = useState(false);

  useEditorKeys(editor, (event) => {
    if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      setHelpOpen((open) => !open);
      return true;
    }
    return helpOpen;
  });

  if (editor.enabledGeometries().length === 0) {
    return <p role="alert">This task asks for no geometry this editor can draw (params.geometries is empty).</p>;
  }
  return (
    <div className="tw-image-annotator">
      <Toolbar editor={editor} onHelp={() => setHelpOpen(true)} />
      <div className="tw-image-body">
        <Canvas editor={editor} imageUrl={attachmentUrl(task)} />
        <aside className="tw-side">
          <Status editor={editor} />
          <ContextAttachments params={task.params} />
          <LabelPicker editor={editor} />
          <AttributePanel editor={editor} />
          <GlobalAttributePanel editor={editor} />
          <LinksPanel editor={editor} />
          <ObjectList editor={editor} />
          <ViewControls editor={editor} />
        </aside>
      </div>
      {helpOpen && <HelpOverlay editor={editor} onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

function Status({ editor }: { editor: Editor }) {
  const notice = useEditorState(editor, (state) => state.notice);
  const count = useShapeIds(editor).length;
  return (
    <div className="tw-status">
      <p>
        <span>
          {count} annotation{count === 1 ? '' : 's'}
        </span>
        <span className="tw-hint"> · press <kbd>?</kbd> for shortcuts</span>
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
