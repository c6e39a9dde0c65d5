import { mergeDiff, type AnnotationStore, type StoreDiff, type StoreRecord } from './store.ts';
import type { Shape } from './types.ts';

const HISTORY_LIMIT = 500;

/**
 * Undo and redo over store diffs. Changes accumulate in a pending entry; `commit` closes it, so a
 * drag of many pointer moves is one undo step, and `cancel` rolls the pending entry back.
 */
export class History<R extends StoreRecord = Shape> {
  private undoStack: StoreDiff<R>[] = [];
  private redoStack: StoreDiff<R>[] = [];
  private pending: StoreDiff<R> = new Map();

  constructor(private readonly store: AnnotationStore<R>) {}

  /** Applies a change to the store and records it in the pending entry. */
  record(diff: StoreDiff<R>): void {
    this.store.apply(diff);
    mergeDiff(this.pending, diff);
  }

  commit(): void {
    if (this.pending.size === 0) return;
    this.undoStack.push(this.pending);
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.pending = new Map();
  }

  /**
   * Hands over the pending entry without committing or reverting it: the video editor turns a
   * frame's edits into keyframe changes, which its own history records instead.
   */
  takePending(): StoreDiff<R> {
    const pending = this.pending;
    this.pending = new Map();
    return pending;
  }

  /** Reverts whatever the pending entry holds (an interaction cancelled with Escape). */
  cancel(): void {
    this.store.apply(this.pending, 'backward');
    this.pending = new Map();
  }

  undo(): boolean {
    this.commit();
    const diff = this.undoStack.pop();
    if (!diff) return false;
    this.store.apply(diff, 'backward');
    this.redoStack.push(diff);
    return true;
  }

  redo(): boolean {
    this.commit();
    const diff = this.redoStack.pop();
    if (!diff) return false;
    this.store.apply(diff, 'forward');
    this.undoStack.push(diff);
    return true;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0 || this.pending.size > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Forgets everything (a freshly loaded task starts with an empty history). */
  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.pending = new Map();
  }
}
