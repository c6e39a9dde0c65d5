import { AnnotationStore, type StoreDiff } from '../store.ts';
import { History } from '../history.ts';
import { clamp, type Vec } from '../geometry.ts';
import { fitCamera, PanGesture, screenToPage, zoomAt, type Camera } from '../viewport.ts';
import { ZOOM_STEP } from '../constants.ts';
import { labelCaption } from '../labels.ts';
import { newId } from '../ids.ts';
import { applicableAttributes, isAnswered, parseAttributeDefinitions, prunedAttributeValues, type AttributeDefinition } from '../attributes.ts';
import type { KeyInput, PointerInput, ToolPointerEvent, WheelInput } from '../events.ts';
import type { AttributeValue } from '../types.ts';
import type { Tool } from '../tools/tool.ts';
import { blankRaster, countUnlabeled, fromIndexArray, type RasterRecord } from './tiled-raster.ts';
import { RasterWriter, type TileRect } from './raster-writer.ts';
import { decodeIndexRle, instanceColor, labelColorAt, mappingEntries, segmentLabels, type EncodedMask, type LabelMapping, type MaskDraft, type SegmentLabel } from '@tagwright/formats';
import type { SegmentRecord } from './segment.ts';
import { encodeMaskResponse } from './mask-response.ts';
import { createMaskTools, MASK_TOOL_SHORTCUTS, type MaskToolId } from './tools/index.ts';
import { SuperpixelCache, type PixelSource } from './superpixels.ts';

export type MaskRecord = RasterRecord | SegmentRecord;

/** What a segmentation task asks for, read from its params. */
export interface MaskConfig {
  labels: SegmentLabel[];
  allowUnlabeled: boolean;
  /** Asked per instance (task-types §3.1: only instance labels carry attributes). */
  attributes: AttributeDefinition[];
}

export function maskConfigFromParams(params: Record<string, unknown>): MaskConfig {
  return {
    labels: segmentLabels(params.labels, params.instance_labels),
    allowUnlabeled: params.allow_unlabeled === true,
    attributes: parseAttributeDefinitions(params.annotation_attributes).filter((definition) => !definition.global),
  };
}

export interface PolygonPreview {
  vertices: readonly Vec[];
  cursor: Vec | null;
}

export interface MaskEditorState {
  toolId: MaskToolId;
  toolState: string;
  camera: Camera;
  viewportSize: { width: number; height: number };
  imageSize: { width: number; height: number } | null;
  activeSegmentId: string | null;
  /** Brush and eraser diameter, in image pixels; also the superpixel size. */
  brushSize: number;
  /** Mask overlay opacity, 0..1. */
  opacity: number;
  polygonPreview: PolygonPreview | null;
  /** Where the brush outline is drawn (image pixels), null when the pointer is away. */
  cursor: Vec | null;
  panning: boolean;
  notice: string | null;
  canUndo: boolean;
  canRedo: boolean;
  /** Pixels no segment covers yet. */
  unlabeled: number;
}

/** Tile positions painted in place since the last notice, or every tile. */
/** What a raster notice repaints: every tile, or the written part of each tile listed. */
export type RasterChange = ReadonlyMap<number, TileRect> | 'all';

const MIN_BRUSH = 1;
const MAX_BRUSH = 500;

/**
 * The mask editor: the raster layer of the editor engine. The mask is a record in the same kind of
 * store (`raster`, tiled, copy-on-write) beside one record per segment, with the same History, so a
 * stroke is one undo step and undo swaps raster records. No React in here: views subscribe.
 */
export class MaskEditor {
  readonly store = new AnnotationStore<MaskRecord>();
  readonly history = new History<MaskRecord>(this.store);
  readonly config: MaskConfig;
  private readonly tools: Record<MaskToolId, Tool<MaskEditor, MaskToolId>>;
  private state: MaskEditorState;
  private readonly listeners = new Set<() => void>();
  private readonly rasterListeners = new Set<(change: RasterChange) => void>();
  private nextValue = 1;
  private nextIndex = 1;
  private readonly pan = new PanGesture();
  private spaceHeld = false;
  private superpixelCache: SuperpixelCache | null = null;

  constructor(config: MaskConfig) {
    this.config = config;
    this.tools = createMaskTools(this);
    this.state = {
      toolId: 'brush',
      toolState: 'brush.idle',
      camera: { x: 0, y: 0, zoom: 1 },
      viewportSize: { width: 0, height: 0 },
      imageSize: null,
      activeSegmentId: null,
      brushSize: 20,
      opacity: 0.5,
      polygonPreview: null,
      cursor: null,
      panning: false,
      notice: null,
      canUndo: false,
      canRedo: false,
      unlabeled: 0,
    };
    this.putRecords(this.config.labels.filter((label) => !label.instance).map((label) => this.segmentFor(label.value)));
    this.history.clear();
    const first = this.config.labels[0];
    if (first) this.setActiveLabel(first.value);
    this.store.subscribe(() => this.afterStoreChange());
  }

  // ── subscription ────────────────────────────────────────────────────────────

  getState(): MaskEditorState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Raster views listen here to repaint tiles painted in place during a stroke. */
  subscribeRaster(listener: (change: RasterChange) => void): () => void {
    this.rasterListeners.add(listener);
    return () => this.rasterListeners.delete(listener);
  }

  private update(partial: Partial<MaskEditorState>): void {
    this.state = { ...this.state, ...partial };
    this.listeners.forEach((listener) => listener());
  }

  private afterStoreChange(): void {
    const partial: Partial<MaskEditorState> = {};
    if (this.state.canUndo !== this.history.canUndo) partial.canUndo = this.history.canUndo;
    if (this.state.canRedo !== this.history.canRedo) partial.canRedo = this.history.canRedo;
    if (this.state.activeSegmentId && !this.store.get(this.state.activeSegmentId)) partial.activeSegmentId = null;
    if (Object.keys(partial).length > 0) this.update(partial);
  }

  notifyToolChanged(): void {
    const tool = this.tools[this.state.toolId];
    this.update({ toolState: `${tool.id}.${tool.stateName}` });
  }

  // ── records ─────────────────────────────────────────────────────────────────

  getRaster(): RasterRecord | null {
    return (this.store.get('raster') as RasterRecord | undefined) ?? null;
  }

  /** Segments in creation order. */
  getSegments(): SegmentRecord[] {
    return this.store.getAll().filter((record): record is SegmentRecord => record.kind === 'segment');
  }

  getSegment(id: string | null): SegmentRecord | undefined {
    const record = id ? this.store.get(id) : undefined;
    return record?.kind === 'segment' ? record : undefined;
  }

  segmentByValue(value: number): SegmentRecord | undefined {
    return this.getSegments().find((segment) => segment.value === value);
  }

  labelOf(value: string): SegmentLabel | undefined {
    return this.config.labels.find((label) => label.value === value);
  }

  /** "vehicle › car #2": how lists and problems name a segment. */
  segmentCaption(segment: SegmentRecord): string {
    const label = this.labelOf(segment.label);
    const caption = label ? labelCaption(label) : segment.label;
    if (!segment.instance) return caption;
    const ordinal = this.getSegments().filter((other) => other.label === segment.label).indexOf(segment) + 1;
    return `${caption} #${ordinal}`;
  }

  private segmentFor(label: string, color?: string, attributes: Record<string, AttributeValue> = {}): SegmentRecord {
    const option = this.labelOf(label);
    const base = labelColorAt(option?.position ?? 0);
    const ordinal = this.getSegments().filter((segment) => segment.label === label).length;
    return {
      id: newId(),
      index: this.nextIndex++,
      kind: 'segment',
      value: this.nextValue++,
      label,
      instance: option?.instance ?? false,
      color: color ?? (option?.instance ? instanceColor(base, ordinal) : base),
      attributes,
    };
  }

  private putRecords(records: readonly MaskRecord[], removed: readonly string[] = []): void {
    const diff: StoreDiff<MaskRecord> = new Map();
    for (const record of records) diff.set(record.id, { before: this.store.get(record.id) ?? null, after: record });
    for (const id of removed) {
      const before = this.store.get(id);
      if (before) diff.set(id, { before, after: null });
    }
    this.history.record(diff);
  }

  private commit(): void {
    this.history.commit();
    this.refreshUnlabeled();
    this.afterStoreChange();
  }

  private refreshUnlabeled(): void {
    const raster = this.getRaster();
    const unlabeled = raster ? countUnlabeled(raster) : 0;
    if (unlabeled !== this.state.unlabeled) this.update({ unlabeled });
  }

  private emitRaster(change: RasterChange): void {
    this.rasterListeners.forEach((listener) => listener(change));
  }

  // ── raster edits (tools call these) ──────────────────────────────────────────

  /** Starts a raster edit; null until the image (and so the raster) exists. */
  beginRasterEdit(): RasterWriter | null {
    const raster = this.getRaster();
    return raster ? new RasterWriter(raster) : null;
  }

  /** Shows a raster edit in progress (part of the pending undo step). */
  progressRasterEdit(writer: RasterWriter): void {
    const dirty = writer.takeDirty();
    if (dirty.size === 0) return;
    this.putRecords([writer.snapshot()]);
    this.emitRaster(dirty);
  }

  /** Ends a raster edit: one undo step. */
  finishRasterEdit(writer: RasterWriter): void {
    const dirty = writer.takeDirty();
    this.putRecords([writer.finish()]);
    this.commit();
    this.emitRaster(dirty);
  }

  /** Rolls back an edit in progress (Escape, tool switch). */
  cancelRasterEdit(): void {
    this.history.cancel();
    this.emitRaster('all');
  }

  /** The raster value the paint tools write: the active segment's. */
  activeValue(): number | null {
    return this.getSegment(this.state.activeSegmentId)?.value ?? null;
  }

  // ── tools and input ─────────────────────────────────────────────────────────

  setTool(toolId: MaskToolId): void {
    this.tools[this.state.toolId].reset();
    this.state = { ...this.state, toolId };
    this.tools[toolId].reset();
    this.notifyToolChanged();
  }

  private toolEvent(input: PointerInput): ToolPointerEvent {
    return { ...input, point: screenToPage(this.state.camera, input.screen) };
  }

  pointerDown(input: PointerInput): void {
    if (input.button === 1 || this.spaceHeld) {
      this.pan.start(input.screen);
      this.update({ panning: true });
      return;
    }
    if (input.button !== undefined && input.button !== 0) return;
    this.tools[this.state.toolId].state.onPointerDown(this.toolEvent(input));
  }

  pointerMove(input: PointerInput): void {
    const panned = this.pan.move(this.state.camera, input.screen);
    if (panned) {
      this.setCamera(panned);
      return;
    }
    const event = this.toolEvent(input);
    this.tools[this.state.toolId].state.onPointerMove(event);
    this.update({ cursor: event.point });
  }

  pointerUp(input: PointerInput): void {
    if (this.pan.end()) {
      this.update({ panning: false });
      return;
    }
    this.tools[this.state.toolId].state.onPointerUp(this.toolEvent(input));
  }

  pointerLeave(): void {
    if (this.state.cursor) this.update({ cursor: null });
  }

  doubleClick(input: PointerInput): void {
    this.tools[this.state.toolId].state.onDoubleClick(this.toolEvent(input));
  }

  wheel(input: WheelInput): void {
    this.setCamera(zoomAt(this.state.camera, input.screen, Math.exp(-input.deltaY * 0.002)));
  }

  /** Handles a key press; returns whether it was used. */
  keyDown(key: KeyInput): boolean {
    if (key.key === ' ') {
      this.spaceHeld = true;
      return true;
    }
    if (this.tools[this.state.toolId].state.onKeyDown(key)) return true;
    const command = key.ctrlKey || key.metaKey;
    const lower = key.key.toLowerCase();
    if (command && lower === 'z') {
      if (key.shiftKey) this.redo();
      else this.undo();
      return true;
    }
    if (command && lower === 'y') {
      this.redo();
      return true;
    }
    if (command || key.altKey) return false;
    if (key.key === '[' || key.key === ']') {
      this.setBrushSize(this.state.brushSize * (key.key === ']' ? 1.25 : 0.8));
      return true;
    }
    if (key.key === 'Escape') {
      this.tools[this.state.toolId].reset();
      return true;
    }
    if (key.key === '+' || key.key === '=') {
      this.zoomBy(ZOOM_STEP);
      return true;
    }
    if (key.key === '-' || key.key === '_') {
      this.zoomBy(1 / ZOOM_STEP);
      return true;
    }
    if (key.key === '0') {
      this.fitToImage();
      return true;
    }
    if (lower === 'n') {
      const label = this.getSegment(this.state.activeSegmentId)?.label;
      if (label && this.labelOf(label)?.instance) this.newInstance(label);
      return true;
    }
    if (lower === 'u') {
      this.fillUnlabeled();
      return true;
    }
    if (/^[1-9]$/.test(key.key)) {
      const label = this.config.labels[Number(key.key) - 1];
      if (label) this.setActiveLabel(label.value);
      return label !== undefined;
    }
    const toolId = MASK_TOOL_SHORTCUTS[lower];
    if (toolId) {
      this.setTool(toolId);
      return true;
    }
    return false;
  }

  keyUp(key: KeyInput): void {
    if (key.key === ' ') this.spaceHeld = false;
  }

  // ── camera ──────────────────────────────────────────────────────────────────

  setCamera(camera: Camera): void {
    this.update({ camera });
  }

  setViewportSize(size: { width: number; height: number }): void {
    this.update({ viewportSize: size });
  }

  /** Called once the image has loaded: creates a blank mask of its size (or keeps a loaded one that fits). */
  setImageSize(size: { width: number; height: number }): void {
    // An image whose size the browser cannot tell (an SVG without one reports 0) keeps the loaded mask's size.
    const loaded = this.getRaster();
    if (size.width <= 0 || size.height <= 0) {
      if (!loaded) return;
      size = { width: loaded.width, height: loaded.height };
    }
    const raster = loaded;
    if (!raster || raster.width !== size.width || raster.height !== size.height) {
      if (raster) this.notify(`The saved mask is ${raster.width}×${raster.height} but the image is ${size.width}×${size.height}; starting from a blank mask.`);
      this.putRecords([blankRaster(size.width, size.height)]);
      this.history.clear();
      this.emitRaster('all');
    }
    this.update({ imageSize: size, canUndo: this.history.canUndo, canRedo: this.history.canRedo });
    this.refreshUnlabeled();
    this.fitToImage();
  }

  zoomBy(factor: number): void {
    const { width, height } = this.state.viewportSize;
    this.setCamera(zoomAt(this.state.camera, { x: width / 2, y: height / 2 }, factor));
  }

  fitToImage(): void {
    if (this.state.imageSize) this.setCamera(fitCamera(this.state.imageSize, this.state.viewportSize));
  }

  clampToImage(point: Vec): Vec {
    const image = this.state.imageSize;
    if (!image) return point;
    return { x: clamp(point.x, 0, image.width), y: clamp(point.y, 0, image.height) };
  }

  /** Image pixels that correspond to a few screen pixels at the current zoom. */
  pageTolerance(): number {
    return 6 / this.state.camera.zoom;
  }

  /** The image's pixels, for the superpixel tool (the view provides them once the image is decoded). */
  setPixelSource(source: PixelSource | null): void {
    this.superpixelCache = source ? new SuperpixelCache(source) : null;
  }

  superpixels(): SuperpixelCache | null {
    return this.superpixelCache;
  }

  // ── settings ────────────────────────────────────────────────────────────────

  setBrushSize(size: number): void {
    this.update({ brushSize: Math.round(clamp(size, MIN_BRUSH, MAX_BRUSH)) });
  }

  setOpacity(opacity: number): void {
    this.update({ opacity: clamp(opacity, 0, 1) });
  }

  setPolygonPreview(preview: PolygonPreview | null): void {
    this.update({ polygonPreview: preview });
  }

  notify(message: string | null): void {
    this.update({ notice: message });
  }

  // ── segment commands ────────────────────────────────────────────────────────

  selectSegment(id: string): void {
    if (this.getSegment(id)) this.update({ activeSegmentId: id });
  }

  /** Paint with this label: its segment, or for an instance label its newest instance (a new one if none). */
  setActiveLabel(label: string): void {
    const mine = this.getSegments().filter((segment) => segment.label === label);
    const segment = mine[mine.length - 1];
    if (segment) this.update({ activeSegmentId: segment.id });
    else if (this.labelOf(label)?.instance) this.newInstance(label);
  }

  /** Adds an instance of an instance label and makes it the one painted with. */
  newInstance(label: string): SegmentRecord | undefined {
    if (!this.labelOf(label)?.instance) return undefined;
    const segment = this.segmentFor(label);
    this.putRecords([segment]);
    this.commit();
    this.update({ activeSegmentId: segment.id });
    return segment;
  }

  recolorSegment(id: string, color: string): void {
    const segment = this.getSegment(id);
    if (!segment || !/^#[0-9a-f]{6}$/i.test(color)) return;
    this.putRecords([{ ...segment, color: color.toLowerCase() }]);
    this.commit();
    this.emitRaster('all');
  }

  /** Deletes an instance and unlabels its pixels: one undo step. */
  deleteSegment(id: string): void {
    const segment = this.getSegment(id);
    const raster = this.getRaster();
    if (!segment || !segment.instance) return;
    const records: MaskRecord[] = [];
    if (raster) {
      const writer = new RasterWriter(raster);
      writer.replaceValues((value) => value === segment.value, 0);
      records.push(writer.finish());
    }
    this.putRecords(records, [id]);
    this.commit();
    this.emitRaster('all');
  }

  setSegmentAttribute(id: string, key: string, value: AttributeValue | undefined): void {
    const segment = this.getSegment(id);
    if (!segment) return;
    const attributes = { ...segment.attributes };
    if (value === undefined) delete attributes[key];
    else attributes[key] = value;
    this.putRecords([{ ...segment, attributes: prunedAttributeValues(this.config.attributes, segment.label, attributes) }]);
    this.commit();
  }

  /** "Fill the remaining unlabeled pixels with": every 0 pixel takes the segment's value. */
  fillUnlabeled(segmentId = this.state.activeSegmentId): void {
    const segment = this.getSegment(segmentId);
    const writer = this.beginRasterEdit();
    if (!segment || !writer) return;
    writer.replaceValues((value) => value === 0, segment.value);
    this.finishRasterEdit(writer);
  }

  undo(): void {
    this.tools[this.state.toolId].reset();
    this.history.undo();
    this.refreshUnlabeled();
    this.afterStoreChange();
    this.emitRaster('all');
  }

  redo(): void {
    this.tools[this.state.toolId].reset();
    this.history.redo();
    this.refreshUnlabeled();
    this.afterStoreChange();
    this.emitRaster('all');
  }

  // ── loading, saving, checking ─────────────────────────────────────────────────

  /** Loads a draft saved by `getResponse` (labelMapping plus an inline mask). */
  loadDraft(draft: MaskDraft): void {
    const values = decodeIndexRle(draft.mask);
    this.loadIndexed(draft.labelMapping, draft.mask, values);
  }

  /**
   * Loads a mask (a hypothesis, a submitted response being fixed, a draft): `values` are indexes
   * of `labelMapping`. Segments are rebuilt in mapping order; pixels of unknown labels or indexes
   * become unlabeled. Replaces what is there and clears history.
   */
  loadIndexed(labelMapping: LabelMapping, size: { width: number; height: number }, values: ArrayLike<number>): { skipped: string[] } {
    const skipped: string[] = [];
    const valueOfIndex = new Map<number, number>();
    const segments: SegmentRecord[] = [];
    this.putRecords([], this.store.getIds().slice());
    for (const { label, entry } of mappingEntries(labelMapping)) {
      const option = this.labelOf(label);
      if (!option || typeof entry?.index !== 'number') {
        skipped.push(label);
        continue;
      }
      if (!option.instance && segments.some((segment) => segment.label === label)) continue;
      const color = typeof entry.color === 'string' && /^#[0-9a-f]{6}$/i.test(entry.color) ? entry.color.toLowerCase() : undefined;
      const segment = this.segmentFor(label, color, option.instance && entry.attributes ? { ...entry.attributes } : {});
      segments.push(segment);
      this.putRecords([segment]);
      valueOfIndex.set(entry.index, segment.value);
    }
    for (const label of this.config.labels) {
      if (!label.instance && !segments.some((segment) => segment.label === label.value)) this.putRecords([this.segmentFor(label.value)]);
    }
    const remapped = new Uint16Array(size.width * size.height);
    for (let index = 0; index < remapped.length; index++) remapped[index] = valueOfIndex.get(values[index]) ?? 0;
    this.putRecords([fromIndexArray(size.width, size.height, remapped)]);
    this.history.clear();
    this.update({ canUndo: false, canRedo: false });
    const first = this.getSegments()[0];
    this.update({ activeSegmentId: first?.id ?? null });
    this.refreshUnlabeled();
    this.emitRaster('all');
    if (skipped.length > 0) this.notify(`Labels not in this task were left out of the mask: ${skipped.join(', ')}.`);
    return { skipped };
  }

  /** The draft/submit body: Scale's labelMapping plus the mask as runs of output indexes. */
  getResponse(): MaskDraft | null {
    const raster = this.getRaster();
    return raster ? encodeMaskResponse(raster, this.config.labels, this.getSegments()) : null;
  }

  /** What stops submitting: no mask yet, unlabeled pixels (unless allowed), unanswered instance attributes. */
  validate(): string[] {
    const problems: string[] = [];
    if (!this.getRaster()) problems.push('The image has not loaded yet, so there is no mask to submit.');
    if (!this.config.allowUnlabeled && this.state.unlabeled > 0) {
      problems.push(`${this.state.unlabeled.toLocaleString('en')} pixels are unlabeled: paint them or fill the rest with a label.`);
    }
    for (const segment of this.getSegments().filter((candidate) => candidate.instance)) {
      for (const definition of applicableAttributes(this.config.attributes, segment.label, segment.attributes)) {
        if (definition.required && !isAnswered(segment.attributes[definition.key])) {
          problems.push(`${this.segmentCaption(segment)}: answer “${definition.description}”.`);
        }
      }
    }
    return problems;
  }
}

export type { EncodedMask, MaskDraft, MaskToolId };
