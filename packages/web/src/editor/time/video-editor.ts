import { AnnotationStore, type StoreDiff } from '../store.ts';
import { History } from '../history.ts';
import type { EditorConfig } from '../config.ts';
import type { KeyInput } from '../events.ts';
import type { Problem } from '../editor.ts';
import { applicableAttributes, isAnswered, prunedAttributeValues } from '../attributes.ts';
import { utilOf } from '../shapes/index.ts';
import { newId } from '../ids.ts';
import type { AttributeValue, Shape } from '../types.ts';
import { FrameEditor } from './frame-editor.ts';
import {
  adjacentKeyframe,
  keyframeAt,
  mergeTracks,
  relabelled,
  splitTrack,
  trackShapeAt,
  withOutside,
  withShapeAt,
  withoutKeyframe,
  type Track,
  type VideoEvent,
  type VideoRecord,
} from './track.ts';
import { loadVideoDraft, serialiseVideoDraft, type VideoDraft } from './video-draft.ts';

/** The time side of the task: how many annotation frames, at what rate, and which events to mark. */
export interface VideoSettings {
  frameCount: number;
  /** The frame count the task's params fix (frame sequence, `duration_time`); else the video's length decides. */
  knownFrameCount?: number;
  /** Annotation frames per second (the task's `frame_rate`). */
  frameRate: number;
  /** Seconds into the video of frame 0 (`start_time`). */
  startTime: number;
  eventLabels: readonly string[];
}

/** The timeline's state; replaced, never mutated. The camera and tools live in `canvas`'s state. */
export interface VideoState {
  frame: number;
  frameCount: number;
  playing: boolean;
  hidden: ReadonlySet<string>;
  locked: ReadonlySet<string>;
  /** A range event whose start is marked and whose end is not yet. */
  openRange: { label: string; start: number } | null;
  canUndo: boolean;
  canRedo: boolean;
}

type Listener = () => void;

/**
 * The video editor: tracks and events in one store with one undo history, a current frame, and a
 * `FrameEditor` (the image editor) showing the tracks at that frame. Editing a shape on the canvas
 * sets a keyframe of its track at the current frame; everything else is interpolated (§4.4).
 * No React in here; the timeline and track list read it and call its methods.
 */
export class VideoEditor {
  readonly store = new AnnotationStore<VideoRecord>();
  readonly history = new History<VideoRecord>(this.store);
  readonly canvas: FrameEditor;
  readonly settings: VideoSettings;
  private state: VideoState;
  private readonly listeners = new Set<Listener>();
  private nextIndex = 0;

  constructor(config: EditorConfig, settings: VideoSettings) {
    this.settings = settings;
    this.state = {
      frame: 0,
      frameCount: Math.max(1, settings.frameCount),
      playing: false,
      hidden: new Set(),
      locked: new Set(),
      openRange: null,
      canUndo: false,
      canRedo: false,
    };
    this.canvas = new FrameEditor(config, {
      applyFrameEdits: (diff) => this.applyFrameEdits(diff),
      undo: () => this.undo(),
      redo: () => this.redo(),
      canUndo: () => this.history.canUndo,
      canRedo: () => this.history.canRedo,
      isLocked: (id) => this.state.locked.has(id),
    });
    this.store.subscribe(() => {
      this.syncFrame();
      this.canvas.refreshHistoryState();
      this.update({ canUndo: this.history.canUndo, canRedo: this.history.canRedo });
    });
  }

  // ── subscription ────────────────────────────────────────────────────────────

  getState(): VideoState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(partial: Partial<VideoState>): void {
    this.state = { ...this.state, ...partial };
    this.listeners.forEach((listener) => listener());
  }

  /** Tracks in creation order. */
  tracks(): Track[] {
    return this.store.getAll().filter((record): record is Track => record.kind === 'track');
  }

  events(): VideoEvent[] {
    return this.store.getAll().filter((record): record is VideoEvent => record.kind === 'event');
  }

  track(id: string): Track | undefined {
    const record = this.store.get(id);
    return record?.kind === 'track' ? record : undefined;
  }

  // ── time ────────────────────────────────────────────────────────────────────

  /** Learned from the video's metadata when the task does not say. */
  setFrameCount(frameCount: number): void {
    if (!(frameCount >= 1) || frameCount === this.state.frameCount) return;
    this.update({ frameCount: Math.floor(frameCount) });
    if (this.state.frame >= this.state.frameCount) this.setFrame(this.state.frameCount - 1);
  }

  setFrame(frame: number): void {
    const next = Math.min(this.state.frameCount - 1, Math.max(0, Math.round(frame)));
    if (next === this.state.frame) return;
    // A gesture in progress belongs to the frame it started on.
    this.canvas.cancelPending();
    this.update({ frame: next });
    this.syncFrame();
  }

  step(delta: number): void {
    this.setFrame(this.state.frame + delta);
  }

  /** Moves to the next (1) or previous (-1) keyframe of the selected tracks, or of every track. */
  jumpToKeyframe(direction: 1 | -1): void {
    const selected = this.canvas.getSelectedIds().map((id) => this.track(id)).filter((track): track is Track => !!track);
    const tracks = selected.length > 0 ? selected : this.tracks();
    let best: number | undefined;
    for (const track of tracks) {
      const candidate = adjacentKeyframe(track, this.state.frame, direction);
      if (candidate !== undefined && (best === undefined || (direction === 1 ? candidate < best : candidate > best))) best = candidate;
    }
    if (best !== undefined) this.setFrame(best);
  }

  setPlaying(playing: boolean): void {
    if (playing !== this.state.playing) this.update({ playing });
  }

  /** Puts each visible track's shape at the current frame into the canvas store. */
  private syncFrame(): void {
    const frameStore = this.canvas.store;
    const diff: StoreDiff = new Map();
    const wanted = new Set<string>();
    for (const track of this.tracks()) {
      if (this.state.hidden.has(track.id)) continue;
      const found = trackShapeAt(track, this.state.frame);
      if (!found) continue;
      wanted.add(track.id);
      const current = frameStore.get(track.id);
      if (current !== found.value) diff.set(track.id, { before: current ?? null, after: found.value });
    }
    for (const id of frameStore.getIds()) {
      if (!wanted.has(id)) diff.set(id, { before: frameStore.get(id)!, after: null });
    }
    frameStore.apply(diff);
  }

  /** Whether the track's shape on this frame is past its last keyframe (shown, but not in the response). */
  isHeld(id: string): boolean {
    const track = this.track(id);
    return track ? trackShapeAt(track, this.state.frame)?.kind === 'held' : false;
  }

  // ── edits from the canvas ───────────────────────────────────────────────────

  /** Turns shapes drawn, moved, relabelled or deleted on this frame into track changes (one undo step). */
  private applyFrameEdits(diff: StoreDiff): void {
    const changes: StoreDiff<VideoRecord> = new Map();
    const frame = this.state.frame;
    for (const [id, change] of diff) {
      const track = this.track(id);
      if (!change.after) {
        if (track) changes.set(id, { before: track, after: null });
      } else if (!track) {
        const index = this.nextIndex++;
        const shape: Shape = { ...change.after, index };
        const created: Track = { kind: 'track', id, index, label: shape.label, geometry: shape.type, name: '', keyframes: [{ frame, outside: false, shape }] };
        changes.set(id, { before: null, after: created });
      } else if (change.before && change.after.label !== change.before.label) {
        const label = change.after.label;
        const prune = (shape: Shape) => prunedAttributeValues(this.canvas.config.attributes, label, shape.attributes);
        changes.set(id, { before: track, after: relabelled(track, label, prune) });
      } else {
        changes.set(id, { before: track, after: withShapeAt(track, frame, change.after) });
      }
    }
    this.commitChanges(changes);
  }

  private commitChanges(changes: StoreDiff<VideoRecord>): void {
    if (changes.size === 0) {
      this.syncFrame();
      return;
    }
    this.history.record(changes);
    this.history.commit();
  }

  private replace(before: VideoRecord, after: VideoRecord | null): void {
    this.commitChanges(new Map([[before.id, { before, after }]]));
  }

  // ── track list commands ─────────────────────────────────────────────────────

  /** Selects a track, moving to its first keyframe when it is not on the current frame. */
  selectTrack(id: string): void {
    const track = this.track(id);
    if (!track) return;
    if (!trackShapeAt(track, this.state.frame)) this.setFrame(track.keyframes[0].frame);
    this.canvas.setSelection(this.canvas.store.get(id) ? [id] : []);
  }

  toggleHidden(id: string): void {
    const hidden = new Set(this.state.hidden);
    if (!hidden.delete(id)) hidden.add(id);
    this.update({ hidden });
    this.syncFrame();
  }

  toggleLocked(id: string): void {
    const locked = new Set(this.state.locked);
    if (!locked.delete(id)) {
      locked.add(id);
      this.canvas.setSelection(this.canvas.getSelectedIds().filter((selected) => selected !== id));
    }
    this.update({ locked });
  }

  renameTrack(id: string, name: string): void {
    const track = this.track(id);
    if (track && track.name !== name) this.replace(track, { ...track, name });
  }

  deleteTrack(id: string): void {
    const track = this.track(id);
    if (track) this.replace(track, null);
  }

  /** The object leaves the picture at the current frame (true) or comes back here (false). */
  setOutside(id: string, outside: boolean): void {
    const track = this.track(id);
    if (track) this.replace(track, withOutside(track, this.state.frame, outside));
  }

  /** Removes the track's keyframe at the current frame (the last one removes the track). */
  deleteKeyframe(id: string): void {
    const track = this.track(id);
    if (track && keyframeAt(track, this.state.frame)) this.replace(track, withoutKeyframe(track, this.state.frame));
  }

  /** Cuts the track at the current frame: a new track (new uuid) starts here. Returns its id. */
  splitTrack(id: string): string | undefined {
    const track = this.track(id);
    const parts = track && splitTrack(track, this.state.frame, newId(), this.nextIndex++);
    if (!track || !parts) return undefined;
    const changes: StoreDiff<VideoRecord> = new Map([
      [track.id, { before: track, after: parts[0] }],
      [parts[1].id, { before: null, after: parts[1] }],
    ]);
    this.commitChanges(changes);
    return parts[1].id;
  }

  /** Joins the second track into the first (same object seen twice); false when their geometries differ. */
  mergeTracks(keptId: string, mergedId: string): boolean {
    const kept = this.track(keptId);
    const merged = this.track(mergedId);
    const joined = kept && merged && keptId !== mergedId ? mergeTracks(kept, merged) : null;
    if (!kept || !merged || !joined) return false;
    this.commitChanges(
      new Map<string, { before: VideoRecord | null; after: VideoRecord | null }>([
        [kept.id, { before: kept, after: joined }],
        [merged.id, { before: merged, after: null }],
      ]),
    );
    return true;
  }

  /**
   * Carries the previous frame's objects onto this one: every track shown on the previous frame
   * but absent here (it ended there) gets a keyframe here with the same shape.
   */
  copyPreviousFrame(): number {
    const frame = this.state.frame;
    if (frame === 0) return 0;
    const changes: StoreDiff<VideoRecord> = new Map();
    for (const track of this.tracks()) {
      const previous = trackShapeAt(track, frame - 1);
      const here = trackShapeAt(track, frame);
      if (previous && previous.kind !== 'held' && (!here || here.kind === 'held')) {
        changes.set(track.id, { before: track, after: withShapeAt(track, frame, previous.value) });
      }
    }
    this.commitChanges(changes);
    return changes.size;
  }

  // ── events ──────────────────────────────────────────────────────────────────

  addPointEvent(label: string): string {
    const event: VideoEvent = { kind: 'event', id: newId(), index: this.nextIndex++, label, type: 'point', start: this.state.frame, attributes: {} };
    this.commitChanges(new Map([[event.id, { before: null, after: event }]]));
    return event.id;
  }

  /** First call marks a range's start at the current frame, the second its end (either order). */
  toggleRangeEvent(label: string): string | undefined {
    const open = this.state.openRange;
    if (!open || open.label !== label) {
      this.update({ openRange: { label, start: this.state.frame } });
      return undefined;
    }
    const start = Math.min(open.start, this.state.frame);
    const end = Math.max(open.start, this.state.frame);
    const event: VideoEvent = { kind: 'event', id: newId(), index: this.nextIndex++, label, type: 'range', start, end, attributes: {} };
    this.update({ openRange: null });
    this.commitChanges(new Map([[event.id, { before: null, after: event }]]));
    return event.id;
  }

  removeEvent(id: string): void {
    const record = this.store.get(id);
    if (record?.kind === 'event') this.replace(record, null);
  }

  // ── history and keys ────────────────────────────────────────────────────────

  undo(): void {
    this.history.undo();
  }

  redo(): void {
    this.history.redo();
  }

  /**
   * Timeline shortcuts, then the canvas's (tools, zoom, undo): ←/→ a frame, Shift+←/→ a keyframe,
   * Home/End, K play/pause, O outside here, X delete keyframe, R copy the previous frame, S split.
   */
  keyDown(key: KeyInput): boolean {
    const plain = !key.ctrlKey && !key.metaKey && !key.altKey;
    const selected = this.canvas.getSelectedIds().filter((id) => this.track(id));
    if (plain) {
      switch (key.key) {
        case 'ArrowRight':
          if (key.shiftKey) this.jumpToKeyframe(1);
          else this.step(1);
          return true;
        case 'ArrowLeft':
          if (key.shiftKey) this.jumpToKeyframe(-1);
          else this.step(-1);
          return true;
        case 'Home':
          this.setFrame(0);
          return true;
        case 'End':
          this.setFrame(this.state.frameCount - 1);
          return true;
      }
      switch (key.key.toLowerCase()) {
        case 'k':
          this.setPlaying(!this.state.playing);
          return true;
        case 'o':
          selected.forEach((id) => this.setOutside(id, true));
          return selected.length > 0;
        case 'x':
          selected.forEach((id) => this.deleteKeyframe(id));
          return selected.length > 0;
        case 'r':
          this.copyPreviousFrame();
          return true;
        case 's':
          if (selected.length === 1) this.splitTrack(selected[0]);
          return selected.length === 1;
      }
    }
    return this.canvas.keyDown(key);
  }

  // ── loading, saving, checking ─────────────────────────────────────────────────

  /** Loads a draft (keyframes); replaces everything and clears the history. */
  load(draft: unknown): { loaded: number; skipped: number } {
    const loaded = loadVideoDraft(draft);
    // Clears the frame's shapes and history and takes the global attributes.
    this.canvas.load({ annotations: [], global_attributes: loaded.globalAttributes });
    const diff: StoreDiff<VideoRecord> = new Map();
    for (const record of this.store.getAll()) diff.set(record.id, { before: record, after: null });
    for (const record of [...loaded.tracks, ...loaded.events]) diff.set(record.id, { before: null, after: record });
    this.history.record(diff);
    this.history.clear();
    this.nextIndex = loaded.tracks.length + loaded.events.length;
    if (loaded.frameCount) this.update({ frameCount: loaded.frameCount });
    this.update({ canUndo: false, canRedo: false });
    this.canvas.refreshHistoryState();
    return { loaded: loaded.tracks.length + loaded.events.length, skipped: loaded.skipped };
  }

  getDraft(): VideoDraft {
    return serialiseVideoDraft(this.tracks(), this.events(), this.state.frameCount, this.canvas.config, this.canvas.getState().globalAttributes);
  }

  /** Problems that block submitting: labels, sizes and required attributes at keyframes, events, globals. */
  validate(): Problem[] {
    const problems: Problem[] = [];
    const config = this.canvas.config;
    const perAnnotation = config.attributes.filter((definition) => !definition.global);
    this.tracks().forEach((track, position) => {
      const name = `Track ${position + 1}${track.name ? ` “${track.name}”` : ''}${track.label ? ` (${track.label})` : ''}`;
      const labels = this.canvas.labelsFor(track.geometry);
      if (labels.length > 0 && !labels.some((option) => option.value === track.label)) problems.push({ shapeId: track.id, message: `${name}: choose a label.` });
      for (const keyframe of track.keyframes) {
        if (keyframe.outside) continue;
        const sizeProblem = utilOf(keyframe.shape).sizeProblem(keyframe.shape, this.canvas.rulesFor(track.geometry));
        if (sizeProblem) problems.push({ shapeId: track.id, message: `${name}, frame ${keyframe.frame}: ${sizeProblem}` });
        for (const definition of applicableAttributes(perAnnotation, track.label, keyframe.shape.attributes)) {
          if (definition.required && !isAnswered(keyframe.shape.attributes[definition.key])) {
            problems.push({ shapeId: track.id, message: `${name}, frame ${keyframe.frame}: answer “${definition.description}”.` });
          }
        }
      }
    });
    if (this.state.openRange) problems.push({ message: `The “${this.state.openRange.label}” range started at frame ${this.state.openRange.start} has no end yet.` });
    for (const definition of config.attributes.filter((candidate) => candidate.global)) {
      if (definition.required && !isAnswered(this.canvas.getState().globalAttributes[definition.key] as AttributeValue | undefined)) {
        problems.push({ message: `Answer “${definition.description}”.` });
      }
    }
    return problems;
  }
}
