import { useEffect, useMemo } from 'react';
import { MaskEditor, maskConfigFromParams } from '../../editor/raster/mask-editor.ts';
import { attachmentUrl, type TaskEditorProps } from '../../workbench/task-editor.ts';
import { useEditorKeys } from '../../workbench/use-editor-keys.ts';
import { MaskCanvas } from './MaskCanvas.tsx';
import { MaskSidebar, MaskToolbar } from './MaskSidebar.tsx';
import { isDraft, loadIndexRaster, renderedMask } from './load-mask.ts';

/**
 * Segmentation (`segmentannotation`): paint an index mask over the image. Starts from a draft or a
 * response under review (inline mask), a completed response being fixed or the task's hypothesis
 * (PNGs, loaded by URL).
 */
export function MaskAnnotator({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const editor = useMemo(() => {
    const created = new MaskEditor(maskConfigFromParams(task.params));
    const start = initialResponse ?? task.params.hypothesis;
    if (isDraft(start)) {
      try {
        created.loadDraft(start);
      } catch (error) {
        created.notify(`The saved mask could not be read (${(error as Error).message}); starting from a blank mask.`);
      }
    }
    return created;
    // A new task gets a new editor; the initial response only matters when the task changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [task.task_id]);

  // A rendered response or hypothesis is PNGs: fetch and decode, then load.
  useEffect(() => {
    const start = initialResponse ?? task.params.hypothesis;
    const rendered = isDraft(start) ? undefined : renderedMask(start);
    if (!rendered) return;
    let cancelled = false;
    loadIndexRaster(rendered.combined)
      .then((raster) => {
        if (!cancelled) editor.loadIndexed(rendered.labelMapping, raster, raster.values);
      })
      .catch((error: Error) => {
        if (!cancelled) editor.notify(`The existing mask could not be loaded (${error.message}); starting from a blank mask.`);
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor]);

  useEffect(() => {
    onReady({ getResponse: () => editor.getResponse(), validate: () => editor.validate() });
    // Finished edits only (history.subscribeEdits): the moves of a stroke in progress and a stroke
    // cancelled with Escape neither mark the draft unsaved nor reach autosave, as in the image editor.
    return editor.history.subscribeEdits(onChange);
  }, [editor, onReady, onChange]);

  useEditorKeys(editor);

  if (editor.config.labels.length === 0) return <p role="alert">This task lists no labels to paint with (params.labels is empty).</p>;
  return (
    <div className="tw-image-annotator tw-mask-annotator">
      <MaskToolbar editor={editor} />
      <div className="tw-image-body">
        <MaskCanvas editor={editor} imageUrl={attachmentUrl(task)} />
        <MaskSidebar editor={editor} />
      </div>
    </div>
  );
}

export { MaskEditor };
