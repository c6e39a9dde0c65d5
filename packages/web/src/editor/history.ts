import { mergeDiff, type AnnotationStore, type StoreDiff, type StoreRecord } from './store.ts';
import type { Shape } from './types.ts';

const HISTORY_LIMIT = 500;

// The stores one entry touches, each with its diff (shapes and the links between them undo together).
type Entry = Map<AnnotationStore<StoreRecord>, StoreDiff<StoreRecord>>;

/**
 * Undo and redo over store diffs. Changes accumulate in a pending entry; `commit` closes it, so a
 * drag of many pointer moves is one undo step, and `cancel` rolls the pending entry back. One
 * entry may span several stores (the image editor's shapes and links), so deleting a shape and
 * the links to it is one step.
 */
export class History<R extends StoreRecord = Shape> {
  private undoStack: Entry[] = [];
  private redoStack: Entry[] = [];
  private pending: Entry = new Map();
  private readonly editListeners = new Set<() => void>();

  constructor(private readonly store: AnnotationStore<R>) {}

  /** Applies a change to a store (the main one by default) and records it in the pending entry. */
  record<T extends StoreRecord = R>(diff: StoreDiff<T>, store: AnnotationStore<T> = this.store as unknown as AnnotationStore<T>): void {
    if (diff.size === 0) return;
    store.apply(diff);
    const key = store as unknown as AnnotationStore<StoreRecord>;
    let pending = this.pending.get(key);
    if (!pending) this.pending.set(key, (pending = new Map()));
    mergeDiff(pending, diff as unknown as StoreDiff<StoreRecord>);
  }

  commit(): void {
    if (!hasChanges(this.pending)) return;
    this.undoStack.push(this.pending);
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.pending = new Map();
    this.editListeners.forEach((listener) => listener());
  }

  /**
   * Called after each committed edit: a closed entry, an undo, a redo. Not for the steps of a
   * gesture in progress nor for a cancelled one, so a draft is saved (and shown unsaved) only
   * with finished edits: a half-drawn box or a rejected one never reaches autosave.
   */
  subscribeEdits(listener: () => void): () => void {
    this.editListeners.add(listener);
    return () => this.editListeners.delete(listener);
  }

  /**
   * Hands over the pending entry without committing or reverting it: the video editor turns a
   * frame's edits into keyframe changes, which its own history records instead.
   */
  takePending<T extends StoreRecord = R>(store: AnnotationStore<T> = this.store as unknown as AnnotationStore<T>): StoreDiff<T> {
    const key = store as unknown as AnnotationStore<StoreRecord>;
    const pending = (this.pending.get(key) ?? new Map()) as unknown as StoreDiff<T>;
    this.pending.delete(key);
    return pending;
  }

  /**
   * Ids of the records the gesture in progress has changed so far (in `store`, the main one by
   * default); empty between gestures. The shapes canvas keeps these on a layer of their own.
   */
  pendingIds<T extends StoreRecord = R>(store: AnnotationStore<T> = this.store as unknown as AnnotationStore<T>): Iterable<string> {
    return this.pending.get(store as unknown as AnnotationStore<StoreRecord>)?.keys() ?? [];
  }

  /** Reverts whatever the pending entry holds (an interaction cancelled with Escape). */
  cancel(): void {
    // Emptied before the rollback is applied: the stores' listeners read canUndo while it runs, and
    // must see the gesture gone (a too-small box left Undo enabled with nothing to undo).
    const pending = this.pending;
    this.pending = new Map();
    applyEntry(pending, 'backward');
  }

  undo(): boolean {
    this.commit();
    const entry = this.undoStack.pop();
    if (!entry) return false;
    applyEntry(entry, 'backward');
    this.redoStack.push(entry);
    this.editListeners.forEach((listener) => listener());
    return true;
  }

  redo(): boolean {
    this.commit();
    const entry = this.redoStack.pop();
    if (!entry) return false;
    applyEntry(entry, 'forward');
    this.undoStack.push(entry);
    this.editListeners.forEach((listener) => listener());
    return true;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0 || hasChanges(this.pending);
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

function hasChanges(entry: Entry): boolean {
  for (const diff of entry.values()) if (diff.size > 0) return true;
  return false;
}

function applyEntry(entry: Entry, direction: 'forward' | 'backward'): void {
  const stores = [...entry];
  // Backward in reverse order: what was recorded last is undone first.
  if (direction === 'backward') stores.reverse();
  for (const [store, diff] of stores) store.apply(diff, direction);
}
