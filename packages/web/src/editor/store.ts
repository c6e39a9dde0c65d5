import type { Shape } from './types.ts';

/** One record's change: `before` null means created, `after` null means deleted. */
export interface RecordChange {
  before: Shape | null;
  after: Shape | null;
}

export type StoreDiff = Map<string, RecordChange>;

type Listener = () => void;

/**
 * The annotations, as immutable records keyed by id. Listeners are per record and for the id list,
 * so a React view of one shape re-renders only when that shape changes (dragging one box of 1,000
 * touches one component).
 */
export class AnnotationStore {
  private readonly records = new Map<string, Shape>();
  private ids: readonly string[] = [];
  private readonly recordListeners = new Map<string, Set<Listener>>();
  private readonly idsListeners = new Set<Listener>();
  private readonly anyListeners = new Set<Listener>();

  get(id: string): Shape | undefined {
    return this.records.get(id);
  }

  /** Ids in creation order (drawing order: later shapes are on top). The array is replaced on change. */
  getIds(): readonly string[] {
    return this.ids;
  }

  getAll(): Shape[] {
    return this.ids.map((id) => this.records.get(id)!);
  }

  get size(): number {
    return this.records.size;
  }

  /** Applies a diff's `after` side (or `before`, to revert) and notifies the listeners it concerns. */
  apply(diff: StoreDiff, direction: 'forward' | 'backward' = 'forward'): void {
    if (diff.size === 0) return;
    let idsChanged = false;
    for (const [id, change] of diff) {
      const next = direction === 'forward' ? change.after : change.before;
      if (next) {
        if (!this.records.has(id)) idsChanged = true;
        this.records.set(id, next);
      } else if (this.records.delete(id)) {
        idsChanged = true;
      }
    }
    if (idsChanged) {
      this.ids = [...this.records.values()].sort((a, b) => a.index - b.index).map((shape) => shape.id);
    }
    for (const id of diff.keys()) this.recordListeners.get(id)?.forEach((listener) => listener());
    if (idsChanged) this.idsListeners.forEach((listener) => listener());
    this.anyListeners.forEach((listener) => listener());
  }

  subscribeRecord(id: string, listener: Listener): () => void {
    let listeners = this.recordListeners.get(id);
    if (!listeners) this.recordListeners.set(id, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.recordListeners.delete(id);
    };
  }

  subscribeIds(listener: Listener): () => void {
    this.idsListeners.add(listener);
    return () => this.idsListeners.delete(listener);
  }

  /** Called after every change (autosave, validation). */
  subscribe(listener: Listener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }
}

/** Folds `next` into `base`, keeping each record's earliest `before` and latest `after`. */
export function mergeDiff(base: StoreDiff, next: StoreDiff): void {
  for (const [id, change] of next) {
    const existing = base.get(id);
    if (!existing) base.set(id, { ...change });
    else if (existing.before === null && change.after === null) base.delete(id); // created then deleted
    else existing.after = change.after;
  }
}
