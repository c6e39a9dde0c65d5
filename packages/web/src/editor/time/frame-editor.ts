import { Editor } from '../editor.ts';
import type { EditorConfig } from '../config.ts';
import type { StoreDiff } from '../store.ts';
import type { LinkRecord } from '../types.ts';

/** What the frame editor asks of the video editor that owns it. */
export interface FrameEditorHost {
  /** A finished gesture's changes to the current frame's shapes and links, to turn into track changes. */
  applyFrameEdits(diff: StoreDiff, linkDiff: StoreDiff<LinkRecord>): void;
  undo(): void;
  redo(): void;
  canUndo(): boolean;
  canRedo(): boolean;
  /** Locked tracks can be seen but not picked. */
  isLocked(id: string): boolean;
}

/**
 * The image editor showing one video frame: its store holds each visible track's shape at the
 * current frame (ids are track ids) and its links store the links between them, so every image
 * tool (the link tool too), the camera, selection and hit testing work unchanged. Its own history never keeps anything: a committed gesture goes to the host,
 * which records keyframes in the video history and puts the frame's shapes back.
 */
export class FrameEditor extends Editor {
  constructor(
    config: EditorConfig,
    private readonly host: FrameEditorHost,
  ) {
    super(config);
  }

  override commit(): void {
    const diff = this.history.takePending();
    const linkDiff = this.history.takePending(this.links);
    if (diff.size > 0 || linkDiff.size > 0) this.host.applyFrameEdits(diff, linkDiff);
    this.afterStoreChange();
  }

  override undo(): void {
    this.cancelPending();
    this.host.undo();
  }

  override redo(): void {
    this.cancelPending();
    this.host.redo();
  }

  protected override isPickable(id: string): boolean {
    return !this.host.isLocked(id);
  }

  protected override afterStoreChange(): void {
    const remaining = this.getSelectedIds().filter((id) => this.store.get(id));
    if (remaining.length !== this.getSelectedIds().length) this.setSelection(remaining);
    const canUndo = this.host.canUndo();
    const canRedo = this.host.canRedo();
    const state = this.getState();
    if (state.canUndo !== canUndo || state.canRedo !== canRedo) this.update({ canUndo, canRedo });
  }

  /** Re-reads undo availability after the host's history changed. */
  refreshHistoryState(): void {
    this.afterStoreChange();
  }
}
