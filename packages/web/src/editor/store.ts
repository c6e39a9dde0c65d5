import type { Shape } from './types.ts';

/** What every record in a store has: an id, and a creation order that sorts the id list. */
export interface StoreRecord {
  id: string;
  index: number;
}

/** One record's change: `before` null means created, `after` null means deleted. */
export interface RecordChange<R extends StoreRecord = Shape> {
  before: R | null;
  after: R | null;
}

export type StoreDiff<R extends StoreRecord = Shape> = Map<string, RecordChange<R>>;

type Listener = () => void;

/**
 * The annotations, as immutable records keyed by id. Listeners are per record and for the id list,
 * so a React view of one shape re-renders only when that shape changes (dragging one box of 1,000
 * touches one component). Vector shapes by default; the mask editor keeps its raster and segments here too.
 */
export class AnnotationStore<R extends StoreRecord = Shape> {
  private readonly records = new Map<string, R>();
  private ids: readonly string[] = [];
  private readonly recordListeners = new Map<string, Set<Listener>>();
  private readonly idsListeners = new Set<Listener>();
  private readonly anyListeners = new Set<Listener>();

  get(id: string): R | undefined {
    return this.records.get(id);
  }

  /** Ids in creation order (drawing order: later shapes are on top). The array is replaced on change. */
  getIds(): readonly string[] {
    return this.ids;
  }

  getAll(): R[] {
    return this.ids.map((id) => this.records.get(id)!);
  }

  get size(): number {
    return this.records.size;
  }

  /** Applies a diff's `after` side (or `before`, to revert) and notifies the listeners it concerns. */
  apply(diff: StoreDiff<R>, direction: 'forward' | 'backward' = 'forward'): void {
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
export function mergeDiff<R extends StoreRecord>(base: StoreDiff<R>, next: StoreDiff<R>): void {
  for (const [id, change] of next) {
    const existing = base.get(id);
    if (!existing) base.set(id, { ...change });
    else if (existing.before === null && change.after === null) base.delete(id); // created then deleted
    else existing.after = change.after;
  }
}
