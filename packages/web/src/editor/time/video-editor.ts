import { AnnotationStore, type StoreDiff } from '../store.ts';
import { History } from '../history.ts';
import type { EditorConfig } from '../config.ts';
import type { KeyInput } from '../events.ts';
import type { Problem } from '../editor.ts';
import { applicableAttributes, isAnswered, prunedAttributeValues } from '../attributes.ts';
import { utilOf } from '../shapes/index.ts';
import { newId } from '../ids.ts';
import type { AttributeValue, LinkRecord, Shape } from '../types.ts';
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
  withLinkedAnswers,
  withoutKeyframe,
  type Track,
  type TrackLink,
  type VideoEvent,
  type VideoRecord,
} from './track.ts';
import { loadVideoDraft, serialiseVideoDraft, type VideoDraft } from './video-draft.ts';
import { VIDEO_SHORTCUTS } from './video-shortcuts.ts';

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
      applyFrameEdits: (diff, linkDiff) => this.applyFrameEdits(diff, linkDiff),
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

  /** Links between tracks (`params.links`), in creation order. */
  links(): TrackLink[] {
    return this.store.getAll().filter((record): record is TrackLink => record.kind === 'link');
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

  /** Puts each visible track's shape at the current frame into the canvas store, and the links between them. */
  private syncFrame(): void {
    const frameStore = this.canvas.store;
    const diff: StoreDiff = new Map();
    const wanted = new Set<string>();
    const links: TrackLink[] = [];
    for (const track of this.store.getAll()) {
      if (track.kind === 'link') links.push(track);
      if (track.kind !== 'track' || this.state.hidden.has(track.id)) continue;
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
    // A link is shown (and can be deleted) on the frames where both of its tracks are.
    const linkStore = this.canvas.links;
    const linkDiff: StoreDiff<LinkRecord> = new Map();
    const wantedLinks = new Set<string>();
    for (const link of links) {
      if (!wanted.has(link.from) || !wanted.has(link.to)) continue;
      wantedLinks.add(link.id);
      const current = linkStore.get(link.id);
      if (current !== link) linkDiff.set(link.id, { before: current ?? null, after: link });
    }
    for (const id of linkStore.getIds()) {
      if (!wantedLinks.has(id)) linkDiff.set(id, { before: linkStore.get(id)!, after: null });
    }
    if (linkDiff.size > 0) linkStore.apply(linkDiff);
  }

  /** Whether the track's shape on this frame is past its last keyframe (shown, but not in the response). */
  isHeld(id: string): boolean {
    const track = this.track(id);
    return track ? trackShapeAt(track, this.state.frame)?.kind === 'held' : false;
  }

  // ── edits from the canvas ───────────────────────────────────────────────────

  /** Turns shapes drawn, moved, relabelled or deleted and links drawn or deleted on this frame into track changes (one undo step). */
  private applyFrameEdits(diff: StoreDiff, linkDiff: StoreDiff<LinkRecord>): void {
    const changes: StoreDiff<VideoRecord> = new Map();
    const frame = this.state.frame;
    const removed = new Set([...diff].filter(([, change]) => !change.after).map(([id]) => id));
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
      } else if (change.before && onlyAnswersToRemovedDropped(change.before, change.after, removed)) {
        // The frame editor dropped this frame's answers pointing at a deleted shape; the track
        // loses them on every keyframe below, without a keyframe here for it.
      } else {
        changes.set(id, { before: track, after: withShapeAt(track, frame, change.after) });
      }
    }
    for (const [id, change] of linkDiff) {
      const existing = this.store.get(id);
      if (!change.after) {
        if (existing?.kind === 'link') changes.set(id, { before: existing, after: null });
      } else if (!existing) {
        const { label, from, to } = change.after;
        changes.set(id, { before: null, after: { kind: 'link', id, index: this.nextIndex++, label, from, to } });
      }
    }
    if (removed.size > 0) this.rewriteReferences(changes, (id) => (removed.has(id) ? undefined : id));
    this.commitChanges(changes);
  }

  /**
   * Adds to `changes` what the links and `linked` answers of the other tracks become when tracks
   * are deleted (`target` answers undefined: the link or answer goes) or merged (`target` answers
   * the kept track; a link or answer that would join a track to itself, or repeat another, goes).
   */
  private rewriteReferences(changes: StoreDiff<VideoRecord>, target: (id: string) => string | undefined): void {
    const linkedKeys = this.canvas.config.attributes.filter((definition) => definition.type === 'linked').map((definition) => definition.key);
    const seen = new Set<string>();
    for (const record of this.store.getAll()) {
      const current = changes.get(record.id);
      const base = current ? current.after : record;
      if (!base) continue;
      if (base.kind === 'link') {
        const from = target(base.from);
        const to = target(base.to);
        const key = `${base.label}\n${from}\n${to}`;
        if (from === undefined || to === undefined || from === to || seen.has(key)) changes.set(record.id, { before: record, after: null });
        else {
          seen.add(key);
          if (from !== base.from || to !== base.to) changes.set(record.id, { before: record, after: { ...base, from, to } });
        }
      } else if (base.kind === 'track' && linkedKeys.length > 0) {
        const rewritten = withLinkedAnswers(base, linkedKeys, target);
        if (rewritten !== base) changes.set(record.id, { before: record, after: rewritten });
      }
    }
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

  /** Deletes the track, the links to it and the other tracks' linked answers naming it (one undo step). */
  deleteTrack(id: string): void {
    const track = this.track(id);
    if (!track) return;
    const changes: StoreDiff<VideoRecord> = new Map([[id, { before: track, after: null }]]);
    this.rewriteReferences(changes, (target) => (target === id ? undefined : target));
    this.commitChanges(changes);
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
    const changes: StoreDiff<VideoRecord> = new Map<string, { before: VideoRecord | null; after: VideoRecord | null }>([
      [kept.id, { before: kept, after: joined }],
      [merged.id, { before: merged, after: null }],
    ]);
    // Links and linked answers naming the merged track now name the kept one.
    this.rewriteReferences(changes, (target) => (target === mergedId ? keptId : target));
    this.commitChanges(changes);
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
   * Timeline shortcuts (VIDEO_SHORTCUTS: ←/→ a frame, Shift+←/→ a keyframe, Home/End, K play/pause,
   * O outside here, X delete keyframe, S split, R copy the previous frame), then the canvas's
   * (tools, zoom, undo).
   */
  keyDown(key: KeyInput): boolean {
    const shortcut = VIDEO_SHORTCUTS.find((candidate) => candidate.matches(key));
    if (shortcut) {
      const selected = this.canvas.getSelectedIds().filter((id) => this.track(id));
      // A track key with nothing selected is not used, so it does not reach the frame's editor either.
      return shortcut.run(this, key, selected);
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
    for (const record of [...loaded.tracks, ...loaded.events, ...loaded.links]) diff.set(record.id, { before: null, after: record });
    this.history.record(diff);
    this.history.clear();
    this.nextIndex = loaded.tracks.length + loaded.events.length + loaded.links.length;
    if (loaded.frameCount) this.update({ frameCount: loaded.frameCount });
    this.update({ canUndo: false, canRedo: false });
    this.canvas.refreshHistoryState();
    return { loaded: loaded.tracks.length + loaded.events.length, skipped: loaded.skipped };
  }

  getDraft(): VideoDraft {
    return serialiseVideoDraft(this.tracks(), this.events(), this.links(), this.state.frameCount, this.canvas.config, this.canvas.getState().globalAttributes);
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

/** Whether a frame edit only removed `linked` answers pointing at shapes deleted in the same gesture. */
function onlyAnswersToRemovedDropped(before: Shape, after: Shape, removed: ReadonlySet<string>): boolean {
  if (removed.size === 0) return false;
  const { attributes: answersBefore, ...restBefore } = before;
  const { attributes: answersAfter, ...restAfter } = after;
  if (JSON.stringify(restBefore) !== JSON.stringify(restAfter)) return false;
  for (const key of new Set([...Object.keys(answersBefore), ...Object.keys(answersAfter)])) {
    if (answersBefore[key] === answersAfter[key]) continue;
    const value = answersBefore[key];
    if (answersAfter[key] === undefined && typeof value === 'string' && removed.has(value)) continue;
    return false;
  }
  return true;
}
