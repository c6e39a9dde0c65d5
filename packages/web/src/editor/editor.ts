import { AnnotationStore, type StoreDiff } from './store.ts';
import { History } from './history.ts';
import { clamp, distance, sub, type Vec } from './geometry.ts';
import { fitCamera, panBy, screenToPage, zoomAt, type Camera } from './viewport.ts';
import type { EditorConfig } from './config.ts';
import { labelCaption, labelPalette, type LabelOption } from './labels.ts';
import { applicableAttributes, isAnswered, prunedAttributeValues } from './attributes.ts';
import { loadAnnotations, serialiseResponse, type ImageResponse } from './serialise.ts';
import { utilOf, type SizeRules } from './shapes/index.ts';
import { newId } from './ids.ts';
import { HIT_TOLERANCE_PX, ZOOM_STEP } from './constants.ts';
import type { KeyInput, PointerInput, ToolPointerEvent, WheelInput } from './events.ts';
import type { AttributeValue, GeometryType, Handle, Shape } from './types.ts';
import { Tool, type ToolId } from './tools/tool.ts';
import { createTools } from './tools/index.ts';


/** A path being drawn, shown as a preview until it is finished. */
export interface PathPreview {
  geometry: 'polygon' | 'line';
  vertices: readonly Vec[];
  cursor: Vec | null;
}

/** Everything the UI shows besides the shapes themselves. Replaced, never mutated. */
export interface EditorState {
  toolId: ToolId;
  /** e.g. `box.dragging`; tests and the canvas cursor read it. */
  toolState: string;
  camera: Camera;
  viewportSize: { width: number; height: number };
  imageSize: { width: number; height: number } | null;
  activeLabels: Partial<Record<GeometryType, string>>;
  pathPreview: PathPreview | null;
  panning: boolean;
  notice: string | null;
  globalAttributes: Readonly<Record<string, AttributeValue>>;
  canUndo: boolean;
  canRedo: boolean;
}

/** Something that stops the response from being submitted. */
export interface Problem {
  shapeId?: string;
  message: string;
}

type Listener = () => void;

const TOOL_GEOMETRY: Partial<Record<ToolId, GeometryType>> = {
  box: 'box',
  polygon: 'polygon',
  line: 'line',
  point: 'point',
  ellipse: 'ellipse',
  cuboid: 'cuboid',
};

const TOOL_SHORTCUTS: Record<string, ToolId> = { v: 'select', b: 'box', p: 'polygon', l: 'line', '.': 'point', e: 'ellipse', c: 'cuboid' };

/**
 * The image editor: owns the annotations (store), undo history, selection, camera and tools.
 * It has no React in it; views subscribe and call its methods, tests drive it with plain events.
 */
export class Editor {
  readonly store = new AnnotationStore();
  readonly history = new History(this.store);
  readonly config: EditorConfig;
  private readonly tools: Record<ToolId, Tool>;
  private state: EditorState;
  private selection: readonly string[] = [];
  private selectionSet = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private readonly selectionListeners = new Set<Listener>();
  private nextIndex = 0;
  private panOrigin: Vec | null = null;
  /** The colour each label is drawn in. */
  readonly colorOf: (label: string) => string;
  private spaceHeld = false;

  constructor(config: EditorConfig) {
    this.config = config;
    this.tools = createTools(this);
    this.colorOf = labelPalette(Object.values(config.geometries).flatMap((rules) => rules?.labels.map((option) => option.value) ?? []));
    const activeLabels: EditorState['activeLabels'] = {};
    for (const [geometry, rules] of Object.entries(config.geometries)) {
      activeLabels[geometry as GeometryType] = rules?.labels[0]?.value ?? '';
    }
    this.state = {
      toolId: 'select',
      toolState: 'select.idle',
      camera: { x: 0, y: 0, zoom: 1 },
      viewportSize: { width: 0, height: 0 },
      imageSize: null,
      activeLabels,
      pathPreview: null,
      panning: false,
      notice: null,
      globalAttributes: {},
      canUndo: false,
      canRedo: false,
    };
    const firstGeometry = this.enabledGeometries()[0];
    if (firstGeometry) this.setTool(firstGeometry);
    this.store.subscribe(() => this.afterStoreChange());
  }

  // ── subscription ────────────────────────────────────────────────────────────

  getState(): EditorState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Selection changes only; every shape view listens, so this channel stays quiet otherwise. */
  subscribeSelection(listener: Listener): () => void {
    this.selectionListeners.add(listener);
    return () => this.selectionListeners.delete(listener);
  }

  protected update(partial: Partial<EditorState>): void {
    this.state = { ...this.state, ...partial };
    this.listeners.forEach((listener) => listener());
  }

  protected afterStoreChange(): void {
    const remaining = this.selection.filter((id) => this.store.get(id));
    if (remaining.length !== this.selection.length) this.setSelection(remaining);
    if (this.state.canUndo !== this.history.canUndo || this.state.canRedo !== this.history.canRedo) {
      this.update({ canUndo: this.history.canUndo, canRedo: this.history.canRedo });
    }
  }

  /** Tools call this after changing state so the UI can follow. */
  notifyToolChanged(): void {
    const tool = this.tools[this.state.toolId];
    this.update({ toolState: `${tool.id}.${tool.stateName}` });
  }

  // ── configuration helpers for tools ───────────────────────────────────────────

  enabledGeometries(): GeometryType[] {
    return Object.keys(this.config.geometries) as GeometryType[];
  }

  labelsFor(geometry: GeometryType): LabelOption[] {
    return this.config.geometries[geometry]?.labels ?? [];
  }

  rulesFor(geometry: GeometryType): SizeRules {
    const rules = this.config.geometries[geometry];
    return {
      minWidth: rules?.minWidth ?? 0,
      minHeight: rules?.minHeight ?? 0,
      minVertices: rules?.minVertices ?? 1,
      maxVertices: rules?.maxVertices,
    };
  }

  /** Image pixels that correspond to the hit tolerance at the current zoom. */
  pageTolerance(): number {
    return HIT_TOLERANCE_PX / this.state.camera.zoom;
  }

  clampToImage(point: Vec): Vec {
    const image = this.state.imageSize;
    if (!image) return point;
    return { x: clamp(point.x, 0, image.width), y: clamp(point.y, 0, image.height) };
  }

  /** Id, label and index for a shape a tool is about to create. */
  newShapeBase(geometry: GeometryType): { id: string; label: string; attributes: Record<string, AttributeValue>; index: number } {
    return { id: newId(), label: this.state.activeLabels[geometry] ?? '', attributes: {}, index: this.nextIndex++ };
  }

  // ── tools and pointer input ─────────────────────────────────────────────────

  setTool(toolId: ToolId): void {
    const geometry = TOOL_GEOMETRY[toolId];
    if (geometry && !this.config.geometries[geometry]) return;
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
      this.panOrigin = input.screen;
      this.update({ panning: true });
      return;
    }
    if (input.button !== undefined && input.button !== 0) return;
    this.tools[this.state.toolId].state.onPointerDown(this.toolEvent(input));
  }

  pointerMove(input: PointerInput): void {
    if (this.panOrigin) {
      const delta = sub(input.screen, this.panOrigin);
      this.panOrigin = input.screen;
      this.setCamera(panBy(this.state.camera, delta));
      return;
    }
    this.tools[this.state.toolId].state.onPointerMove(this.toolEvent(input));
  }

  pointerUp(input: PointerInput): void {
    if (this.panOrigin) {
      this.panOrigin = null;
      this.update({ panning: false });
      return;
    }
    this.tools[this.state.toolId].state.onPointerUp(this.toolEvent(input));
  }

  doubleClick(input: PointerInput): void {
    this.tools[this.state.toolId].state.onDoubleClick(this.toolEvent(input));
  }

  wheel(input: WheelInput): void {
    this.setCamera(zoomAt(this.state.camera, input.screen, Math.exp(-input.deltaY * 0.002)));
  }

  /** Handles a key press; returns whether it was used (so the page can prevent its default). */
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
    if (key.key === 'Delete' || key.key === 'Backspace') {
      this.deleteSelected();
      return true;
    }
    if (key.key === 'Escape') {
      this.tools[this.state.toolId].reset();
      this.setSelection([]);
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
    if (/^[1-9]$/.test(key.key)) return this.pickLabelByNumber(Number(key.key));
    const toolId = TOOL_SHORTCUTS[lower];
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

  /** Called once the image has loaded; also fits it into view. */
  setImageSize(size: { width: number; height: number }): void {
    this.update({ imageSize: size });
    this.fitToImage();
  }

  zoomBy(factor: number): void {
    const { width, height } = this.state.viewportSize;
    this.setCamera(zoomAt(this.state.camera, { x: width / 2, y: height / 2 }, factor));
  }

  fitToImage(): void {
    if (this.state.imageSize) this.setCamera(fitCamera(this.state.imageSize, this.state.viewportSize));
  }

  // ── selection ───────────────────────────────────────────────────────────────

  getSelectedIds(): readonly string[] {
    return this.selection;
  }

  isSelected(id: string): boolean {
    return this.selectionSet.has(id);
  }

  getSelectedShapes(): Shape[] {
    return this.selection.map((id) => this.store.get(id)).filter((shape): shape is Shape => shape !== undefined);
  }

  setSelection(ids: readonly string[]): void {
    if (ids.length === this.selection.length && ids.every((id, index) => id === this.selection[index])) return;
    this.selection = [...ids];
    this.selectionSet = new Set(ids);
    this.selectionListeners.forEach((listener) => listener());
    this.listeners.forEach((listener) => listener());
  }

  toggleSelected(id: string): void {
    this.setSelection(this.isSelected(id) ? this.selection.filter((other) => other !== id) : [...this.selection, id]);
  }

  // ── hit testing ─────────────────────────────────────────────────────────────

  /** The topmost shape under a point (selected shapes first, so overlapping ones stay grabbable). */
  shapeAt(point: Vec): Shape | undefined {
    const tolerance = this.pageTolerance();
    for (const shape of this.getSelectedShapes()) {
      if (this.isPickable(shape.id) && utilOf(shape).hitTest(shape, point, tolerance)) return shape;
    }
    const ids = this.store.getIds();
    for (let index = ids.length - 1; index >= 0; index--) {
      const shape = this.store.get(ids[index])!;
      if (this.isPickable(shape.id) && utilOf(shape).hitTest(shape, point, tolerance)) return shape;
    }
    return undefined;
  }

  /** Whether pointer input may pick this shape (the video editor says no for locked tracks). */
  protected isPickable(_id: string): boolean {
    return true;
  }

  /** A handle of the single selected shape under a point. */
  handleAt(point: Vec): { shape: Shape; handle: Handle } | undefined {
    if (this.selection.length !== 1) return undefined;
    const shape = this.store.get(this.selection[0]);
    if (!shape) return undefined;
    const tolerance = this.pageTolerance() * 1.5;
    let best: { shape: Shape; handle: Handle; distance: number } | undefined;
    for (const handle of utilOf(shape).handles(shape)) {
      const gap = distance(handle.point, point);
      if (gap <= tolerance && (!best || gap < best.distance)) best = { shape, handle, distance: gap };
    }
    return best && { shape: best.shape, handle: best.handle };
  }

  // ── commands ────────────────────────────────────────────────────────────────

  /**
   * Writes shapes into the store as part of the pending history entry. Tools call `commit` when
   * a gesture ends; one-off commands commit straight away.
   */
  putShapes(shapes: readonly Shape[]): void {
    const diff: StoreDiff = new Map();
    for (const shape of shapes) diff.set(shape.id, { before: this.store.get(shape.id) ?? null, after: shape });
    this.history.record(diff);
  }

  removeShapes(ids: readonly string[]): void {
    const diff: StoreDiff = new Map();
    for (const id of ids) {
      const before = this.store.get(id);
      if (before) diff.set(id, { before, after: null });
    }
    this.history.record(diff);
  }

  commit(): void {
    this.history.commit();
    this.afterStoreChange();
  }

  /** Rolls back the gesture in progress. */
  cancelPending(): void {
    this.history.cancel();
  }

  /** Adds a finished shape as one undo step and selects it (so its attributes can be filled in). */
  addShape(shape: Shape): void {
    this.putShapes([shape]);
    this.commit();
    this.setSelection([shape.id]);
  }

  deleteSelected(): void {
    if (this.selection.length === 0) return;
    this.removeShapes(this.selection);
    this.commit();
  }

  undo(): void {
    this.tools[this.state.toolId].reset();
    this.history.undo();
    this.afterStoreChange();
  }

  redo(): void {
    this.tools[this.state.toolId].reset();
    this.history.redo();
    this.afterStoreChange();
  }

  /** The path tool shows its unfinished polygon or line through this. */
  setPathPreview(preview: PathPreview | null): void {
    this.update({ pathPreview: preview });
  }

  notify(message: string | null): void {
    this.update({ notice: message });
  }

  /** The label new shapes of this geometry get; with shapes selected, relabels those of that geometry. */
  setActiveLabel(geometry: GeometryType, label: string): void {
    this.update({ activeLabels: { ...this.state.activeLabels, [geometry]: label } });
    const relabelled = this.getSelectedShapes()
      .filter((shape) => shape.type === geometry && shape.label !== label)
      .map((shape) => ({ ...shape, label, attributes: prunedAttributeValues(this.config.attributes, label, shape.attributes) }));
    if (relabelled.length > 0) {
      this.putShapes(relabelled);
      this.commit();
    }
  }

  /** The geometry the label picker is about: the selected shapes' or the current tool's. */
  focusedGeometry(): GeometryType | undefined {
    const selected = this.getSelectedShapes();
    if (selected.length > 0 && selected.every((shape) => shape.type === selected[0].type)) return selected[0].type;
    return TOOL_GEOMETRY[this.state.toolId] ?? this.enabledGeometries()[0];
  }

  private pickLabelByNumber(position: number): boolean {
    const geometry = this.focusedGeometry();
    const option = geometry ? this.labelsFor(geometry)[position - 1] : undefined;
    if (!geometry || !option) return false;
    this.setActiveLabel(geometry, option.value);
    return true;
  }

  /** Answers one attribute of one shape (undefined clears it); answers that no longer apply are dropped. */
  setAttribute(shapeId: string, key: string, value: AttributeValue | undefined): void {
    const shape = this.store.get(shapeId);
    if (!shape) return;
    const attributes = { ...shape.attributes };
    if (value === undefined) delete attributes[key];
    else attributes[key] = value;
    this.putShapes([{ ...shape, attributes: prunedAttributeValues(this.config.attributes, shape.label, attributes) }]);
    this.commit();
  }

  setGlobalAttribute(key: string, value: AttributeValue | undefined): void {
    const next = { ...this.state.globalAttributes };
    if (value === undefined) delete next[key];
    else next[key] = value;
    this.update({ globalAttributes: next });
  }

  // ── loading, saving, checking ─────────────────────────────────────────────────

  /** Loads a hypothesis or a saved draft as editable shapes; replaces what is there and clears history. */
  load(response: unknown): { loaded: number; skipped: number } {
    const result = loadAnnotations(response, this.config, 0);
    this.removeShapes(this.store.getIds());
    this.putShapes(result.shapes);
    this.history.clear();
    this.nextIndex = result.shapes.length;
    this.setSelection([]);
    this.update({ globalAttributes: result.globalAttributes, canUndo: false, canRedo: false });
    return { loaded: result.shapes.length, skipped: result.skipped };
  }

  getResponse(): ImageResponse {
    return serialiseResponse(this.store.getAll(), this.config, this.state.globalAttributes);
  }

  /** Everything that would make the response wrong: sizes, vertex counts, labels, unanswered attributes. */
  validate(): Problem[] {
    const problems: Problem[] = [];
    const perAnnotation = this.config.attributes.filter((definition) => !definition.global);
    this.store.getAll().forEach((shape, position) => {
      const name = `${shape.type} #${position + 1}${shape.label ? ` (${shape.label})` : ''}`;
      const sizeProblem = utilOf(shape).sizeProblem(shape, this.rulesFor(shape.type));
      if (sizeProblem) problems.push({ shapeId: shape.id, message: `${name}: ${sizeProblem}` });
      const labels = this.labelsFor(shape.type);
      if (labels.length > 0 && !labels.some((option) => option.value === shape.label)) {
        problems.push({ shapeId: shape.id, message: `${name}: choose a label.` });
      }
      for (const definition of applicableAttributes(perAnnotation, shape.label, shape.attributes)) {
        if (definition.required && !isAnswered(shape.attributes[definition.key])) {
          problems.push({ shapeId: shape.id, message: `${name}: answer “${definition.description}”.` });
        }
      }
    });
    for (const definition of this.config.attributes.filter((candidate) => candidate.global)) {
      if (definition.required && !isAnswered(this.state.globalAttributes[definition.key])) {
        problems.push({ message: `Answer “${definition.description}”.` });
      }
    }
    return problems;
  }

  /** Caption of a shape's label, for lists and the attribute panel. */
  labelCaptionOf(shape: Shape): string {
    const option = this.labelsFor(shape.type).find((candidate) => candidate.value === shape.label);
    return option ? labelCaption(option) : shape.label || '(no label)';
  }
}
