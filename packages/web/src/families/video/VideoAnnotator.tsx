import { useEffect, useMemo, useState } from 'react';
import { editorConfigFromTask } from '../../editor/config.ts';
import { VideoEditor } from '../../editor/time/video-editor.ts';
import type { TaskEditorProps } from '../../workbench/task-editor.ts';
import { useEditorKeys } from '../../workbench/use-editor-keys.ts';
import { Canvas } from '../image/Canvas.tsx';
import { Toolbar } from '../image/Toolbar.tsx';
import { LabelPicker } from '../image/LabelPicker.tsx';
import { LinksPanel } from '../image/LinksPanel.tsx';
import { AttributePanel, GlobalAttributePanel } from '../image/AttributePanel.tsx';
import { useEditorState } from '../image/use-editor.ts';
import { FrameBackdrop } from './FrameBackdrop.tsx';
import { LayersOverlay } from './LayersOverlay.tsx';
import { Timeline } from './Timeline.tsx';
import { TrackList } from './TrackList.tsx';
import { EventsPanel } from './EventsPanel.tsx';
import { HelpOverlay, editorSections, type ShortcutSectionSpec } from '../image/HelpOverlay.tsx';
import { VIDEO_SHORTCUTS, frameShortcutsFor } from '../../editor/time/video-shortcuts.ts';
import { loadLayers, sourceOf, startingDraft, videoSettingsOf, type VideoTaskLike } from './video-task.ts';

/** A video editor for a task; the image tools, camera and selection are those of the image editor. */
export function useVideoTaskEditor(task: VideoTaskLike & { task_id: string }, initialResponse: unknown, readOnly = false) {
  const editor = useMemo(() => new VideoEditor(editorConfigFromTask('imageannotation', task.params), videoSettingsOf(task)), [task.task_id]); // eslint-disable-line react-hooks/exhaustive-deps
  const [loading, setLoading] = useState(true);
  const [layers, setLayers] = useState<unknown[] | undefined>();
  useEffect(() => {
    let live = true;
    startingDraft(task, initialResponse)
      .then((draft) => {
        if (!live) return;
        if (draft) {
          const { skipped } = editor.load(draft);
          if (skipped > 0) editor.canvas.notify(`${skipped} pre-filled track(s) or event(s) could not be read and were left out.`);
        }
        if (readOnly) for (const track of editor.tracks()) editor.toggleLocked(track.id);
      })
      .catch((error: Error) => live && editor.canvas.notify(`Could not load the saved annotations: ${error.message}`))
      .finally(() => live && setLoading(false));
    loadLayers(task)
      .then((loaded) => live && setLayers(loaded))
      .catch((error: Error) => live && editor.canvas.notify(`Could not load layers.url: ${error.message}`));
    return () => {
      live = false;
    };
    // The initial response only matters when the task changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor]);
  return { editor, loading, layers };
}

/**
 * videoannotation and videoplaybackannotation: tracks over the frames of a video file or a frame
 * sequence. The canvas is the image editor on the current frame; the timeline moves through time.
 */
export function VideoAnnotator({ task, initialResponse, onReady, onChange }: TaskEditorProps) {
  const { editor, loading, layers } = useVideoTaskEditor(task, initialResponse);
  const source = useMemo(() => sourceOf(task), [task]);

  useEffect(() => {
    onReady({ getResponse: () => editor.getDraft(), validate: () => editor.validate().map((problem) => problem.message) });
  }, [editor, onReady]);

  // Loading the draft is not an edit: changes count once it is in (a 50-track, 10-minute draft
  // saved again right after opening costs a long serialisation and upload for nothing).
  useEffect(() => {
    if (loading) return;
    const unsubscribeStore = editor.store.subscribe(onChange);
    let globals = editor.canvas.getState().globalAttributes;
    const unsubscribeState = editor.canvas.subscribe(() => {
      if (editor.canvas.getState().globalAttributes !== globals) {
        globals = editor.canvas.getState().globalAttributes;
        onChange();
      }
    });
    return () => {
      unsubscribeStore();
      unsubscribeState();
    };
  }, [editor, loading, onChange]);

  const [helpOpen, setHelpOpen] = useState(false);
  useEditorKeys({ keyDown: (input) => editor.keyDown(input), keyUp: (input) => editor.canvas.keyUp(input) }, (event) => {
    if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      setHelpOpen((open) => !open);
      return true;
    }
    return helpOpen;
  });

  if (!source) return <p role="alert">This task has no video (attachment) and no frames (attachments) to show.</p>;
  if (editor.canvas.enabledGeometries().length === 0) return <p role="alert">This task asks for no geometry (params.geometries is empty).</p>;
  return (
    <div className="tw-image-annotator tw-video-annotator" data-loading={loading || undefined}>
      <Toolbar editor={editor.canvas} onHelp={() => setHelpOpen(true)} />
      <div className="tw-image-body">
        <Canvas
          editor={editor.canvas}
          imageUrl={undefined}
          backdrop={
            <>
              <FrameBackdrop editor={editor} source={source} />
              {layers && <LayersOverlay editor={editor} layers={layers} />}
            </>
          }
        />
        <aside className="tw-side">
          <LabelPicker editor={editor.canvas} />
          <AttributePanel editor={editor.canvas} />
          <GlobalAttributePanel editor={editor.canvas} />
          <TrackList editor={editor} />
          <LinksPanel editor={editor.canvas} />
          <EventsPanel editor={editor} />
          <Notice editor={editor} />
          <Shortcuts editor={editor} />
        </aside>
      </div>
      <Timeline editor={editor} />
      {helpOpen && <HelpOverlay sections={videoSections(editor)} onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

/** The help overlay's lists: the time keys first, then the image editor's keys a frame still takes. */
function videoSections(editor: VideoEditor): ShortcutSectionSpec[] {
  return [
    { title: 'Frames', shortcuts: VIDEO_SHORTCUTS.filter((shortcut) => shortcut.group === 'Frames') },
    { title: 'Tracks', shortcuts: VIDEO_SHORTCUTS.filter((shortcut) => shortcut.group === 'Tracks') },
    ...editorSections(frameShortcutsFor(editor)),
  ];
}

function Notice({ editor }: { editor: VideoEditor }) {
  const notice = useEditorState(editor.canvas, (state) => state.notice);
  return notice ? (
    <p role="status" className="tw-notice">
      {notice}
    </p>
  ) : null;
}

function Shortcuts({ editor }: { editor: VideoEditor }) {
  return (
    <details className="tw-shortcuts">
      <summary>Shortcuts</summary>
      <p className="tw-hint">
        ←/→ frame · Shift+←/→ keyframe · Home/End · K play/pause · O outside from here · X delete keyframe · S split · R copy previous frame · Ctrl+Z/Ctrl+Shift+Z undo/redo · tools as on images (V, B, P, L, .{editor.canvas.availableTools().includes('link') ? ', I link two tracks' : ''}) · <kbd>?</kbd> shows every shortcut
      </p>
    </details>
  );
}
