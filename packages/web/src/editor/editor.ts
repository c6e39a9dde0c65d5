import { AnnotationStore, type StoreDiff } from './store.ts';
import { History } from './history.ts';
import { clamp, distance, rectsIntersect, type Rect, type Vec } from './geometry.ts';
import { fitCamera, PanGesture, screenToPage, zoomAt, type Camera } from './viewport.ts';
import type { EditorConfig, LinkType } from './config.ts';
import { labelCaption, labelPalette, type LabelOption } from './labels.ts';
import { applicableAttributes, isAnswered, prunedAttributeValues, type AttributeDefinition } from './attributes.ts';
import { loadAnnotations, serialiseResponse, type ImageResponse } from './serialise.ts';
import { utilOf, type SizeRules } from './shapes/index.ts';
import { rotateBox } from './shapes/box.ts';
import { newId } from './ids.ts';
import { HIT_TOLERANCE_PX } from './constants.ts';
import type { KeyInput, PointerInput, ToolPointerEvent, WheelInput } from './events.ts';
import type { AttributeValue, GeometryType, Handle, LinkRecord, Shape } from './types.ts';
import { Tool, type ToolId } from './tools/tool.ts';
import { createTools } from './tools/index.ts';
import { SHORTCUTS } from './shortcuts.ts';
import { canStartLink, linkAllowed, loadLinks } from './links.ts';
import { loadLayers } from './layers.ts';
import { skeletonSegments, type SkeletonSegment } from './skeleton.ts';


/** A path being drawn, shown as a preview until it is finished. */
export interface PathPreview {
  geometry: 'polygon' | 'line';
  vertices: readonly Vec[];
  cursor: Vec | null;
}

/** How the image and the shapes are shown; none of it is saved. */
export interface ViewOptions {
  /** Each shape's label drawn on the image. */
  showLabels: boolean;
  /** Attribute answers added to those labels. */
  showAttributes: boolean;
  showFill: boolean;
  /** Fill opacity of unselected shapes, 0–1 (selected ones are filled more). */
  fillOpacity: number;
  /** CSS filter percentages for the image, 100 = unchanged. */
  brightness: number;
  contrast: number;
  hideAll: boolean;
}

export const DEFAULT_VIEW: ViewOptions = { showLabels: true, showAttributes: false, showFill: true, fillOpacity: 0.15, brightness: 100, contrast: 100, hideAll: false };

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
  /** Space is held: a press pans instead of drawing. */
  spaceHeld: boolean;
  /** The pointer in image pixels while a drawing tool is active (the crosshair), else null. */
  pointer: Vec | null;
  view: ViewOptions;
  /** The link type the link tool draws (a key of `params.links`). */
  activeLinkType: string;
  /** A linked attribute waiting for its target to be clicked. */
  picking: { shapeId: string; key: string } | null;
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


/**
 * The image editor: owns the annotations (store), undo history, selection, camera and tools.
 * It has no React in it; views subscribe and call its methods, tests drive it with plain events.
 */
export class Editor {
  readonly store = new AnnotationStore();
  /** Links between annotations (Scale's `links`), undone together with the shapes. */
  readonly links = new AnnotationStore<LinkRecord>();
  readonly history = new History(this.store);
  readonly config: EditorConfig;
  /** `params.layers`: drawn read-only under the annotations, never saved. */
  layerShapes: readonly Shape[] = [];
  private readonly tools: Record<ToolId, Tool>;
  private state: EditorState;
  private selection: readonly string[] = [];
  private selectionSet = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private readonly selectionListeners = new Set<Listener>();
  private nextIndex = 0;
  private readonly pan = new PanGesture();
  /** The colour each label is drawn in. */
  readonly colorOf: (label: string) => string;
  /** Shapes loaded from `base_annotations`, which its `can_*` flags govern. */
  private baseIds = new Set<string>();
  private hidden = new Set<string>();
  private locked = new Set<string>();
  private readonly flagListeners = new Set<Listener>();
  private nextLinkIndex = 0;

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
      spaceHeld: false,
      pointer: null,
      view: DEFAULT_VIEW,
      activeLinkType: config.linkTypes[0]?.label ?? '',
      picking: null,
      notice: null,
      globalAttributes: {},
      canUndo: false,
      canRedo: false,
    };
    const firstGeometry = this.enabledGeometries()[0];
    if (firstGeometry && config.base.canAdd) this.setTool(firstGeometry);
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

  /** Hidden and locked flags; each shape view listens. */
  subscribeFlags(listener: Listener): () => void {
    this.flagListeners.add(listener);
    return () => this.flagListeners.delete(listener);
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
      canRotate: rules?.canRotate ?? false,
    };
  }

  /** The tools this task offers: select, each geometry it asks for (unless adding is forbidden), and links. */
  availableTools(): ToolId[] {
    const tools: ToolId[] = ['select'];
    if (this.config.base.canAdd) tools.push(...(this.enabledGeometries() as ToolId[]));
    if (this.config.linkTypes.length > 0) tools.push('link');
    return tools;
  }

  /** Handles of a shape as the canvas draws them (with a rotation handle on a rotatable box). */
  handlesOf(shape: Shape): Handle[] {
    return this.canMove(shape) ? utilOf(shape).handles(shape, this.rulesFor(shape.type)) : [];
  }

  /** Image pixels that correspond to the hit tolerance at the current zoom. */
  pageTolerance(): number {
    return HIT_TOLERANCE_PX / this.state.camera.zoom;
  }

  /** Keeps a point on the drawable area: the image plus the task's `padding` on each side. */
  clampToImage(point: Vec): Vec {
    const image = this.state.imageSize;
    if (!image) return point;
    const { x: padX, y: padY } = this.config.padding;
    return { x: clamp(point.x, -padX, image.width + padX), y: clamp(point.y, -padY, image.height + padY) };
  }

  /** The drawable area in image pixels (the image grown by the padding), once the image is loaded. */
  drawableArea(): Rect | null {
    const image = this.state.imageSize;
    if (!image) return null;
    const { x: padX, y: padY } = this.config.padding;
    return { left: -padX, top: -padY, width: image.width + 2 * padX, height: image.height + 2 * padY };
  }

  /** Id, label and index for a shape a tool is about to create. */
  newShapeBase(geometry: GeometryType): { id: string; label: string; attributes: Record<string, AttributeValue>; index: number } {
    return { id: newId(), label: this.state.activeLabels[geometry] ?? '', attributes: {}, index: this.nextIndex++ };
  }

  // ── tools and pointer input ─────────────────────────────────────────────────

  /** Switches tool; returns false when the task does not offer it. */
  setTool(toolId: ToolId): boolean {
    if (!this.availableTools().includes(toolId)) {
      if (TOOL_GEOMETRY[toolId] && this.config.geometries[TOOL_GEOMETRY[toolId]!] && !this.config.base.canAdd) {
        this.notify('This task does not allow adding annotations; edit the ones given.');
      }
      return false;
    }
    this.tools[this.state.toolId].reset();
    this.state = { ...this.state, toolId, pointer: null };
    this.tools[toolId].reset();
    this.notifyToolChanged();
    return true;
  }

  /** Whether the current tool draws new shapes (the canvas shows a crosshair for those). */
  isDrawingTool(): boolean {
    return TOOL_GEOMETRY[this.state.toolId] !== undefined;
  }

  private toolEvent(input: PointerInput): ToolPointerEvent {
    return { ...input, point: screenToPage(this.state.camera, input.screen) };
  }

  pointerDown(input: PointerInput): void {
    if (input.button === 1 || this.state.spaceHeld) {
      this.pan.start(input.screen);
      this.update({ panning: true });
      return;
    }
    if (input.button !== undefined && input.button !== 0) return;
    if (this.state.picking) return this.pickTargetAt(this.toolEvent(input).point);
    this.tools[this.state.toolId].state.onPointerDown(this.toolEvent(input));
  }

  pointerMove(input: PointerInput): void {
    const panned = this.pan.move(this.state.camera, input.screen);
    if (panned) {
      this.setCamera(panned);
      return;
    }
    const event = this.toolEvent(input);
    // The crosshair follows the pointer only while drawing, so moving shapes costs no extra update.
    if (this.isDrawingTool()) this.update({ pointer: this.clampToImage(event.point) });
    this.tools[this.state.toolId].state.onPointerMove(event);
  }

  /** The pointer left the canvas: hide the crosshair. */
  pointerLeave(): void {
    if (this.state.pointer) this.update({ pointer: null });
  }

  pointerUp(input: PointerInput): void {
    if (this.pan.end()) {
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
      if (!this.state.spaceHeld) this.update({ spaceHeld: true });
      return true;
    }
    if (this.tools[this.state.toolId].state.onKeyDown(key)) return true;
    const shortcut = SHORTCUTS.find((candidate) => candidate.matches(key));
    return shortcut ? shortcut.run(this, key) : false;
  }

  keyUp(key: KeyInput): void {
    if (key.key === ' ' && this.state.spaceHeld) this.update({ spaceHeld: false });
  }

  /** Escape: stop picking a link target, abandon the gesture, clear the selection. */
  escape(): void {
    if (this.state.picking) return this.update({ picking: null, notice: null });
    this.tools[this.state.toolId].reset();
    this.setSelection([]);
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

  /** Fits the drawable area (the image and its padding) into view. */
  fitToImage(): void {
    const area = this.drawableArea();
    if (!area) return;
    const camera = fitCamera({ width: area.width, height: area.height }, this.state.viewportSize);
    this.setCamera({ ...camera, x: camera.x - area.left * camera.zoom, y: camera.y - area.top * camera.zoom });
  }

  /** Pans (keeping the zoom) so the shape is in view, if it is not already. */
  revealShape(id: string): void {
    const shape = this.store.get(id);
    if (!shape) return;
    const bounds = utilOf(shape).bounds(shape);
    const { camera, viewportSize } = this.state;
    const visible = { left: -camera.x / camera.zoom, top: -camera.y / camera.zoom, width: viewportSize.width / camera.zoom, height: viewportSize.height / camera.zoom };
    const inside =
      bounds.left >= visible.left && bounds.top >= visible.top && bounds.left + bounds.width <= visible.left + visible.width && bounds.top + bounds.height <= visible.top + visible.height;
    if (inside || viewportSize.width === 0) return;
    const center = { x: bounds.left + bounds.width / 2, y: bounds.top + bounds.height / 2 };
    this.setCamera({ ...camera, x: viewportSize.width / 2 - center.x * camera.zoom, y: viewportSize.height / 2 - center.y * camera.zoom });
  }

  setView(partial: Partial<ViewOptions>): void {
    const hideAllChanged = partial.hideAll !== undefined && partial.hideAll !== this.state.view.hideAll;
    this.update({ view: { ...this.state.view, ...partial } });
    if (hideAllChanged) {
      if (partial.hideAll) this.setSelection([]);
      this.flagListeners.forEach((listener) => listener());
    }
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

  /**
   * The topmost shape under a point (selected shapes first, so overlapping ones stay grabbable).
   * Hidden and locked shapes are not hit; `accept` narrows further (link targets).
   */
  shapeAt(point: Vec, accept?: (shape: Shape) => boolean): Shape | undefined {
    const tolerance = this.pageTolerance();
    const hits = (shape: Shape) => this.isInteractive(shape.id) && this.isPickable(shape.id) && (!accept || accept(shape)) && utilOf(shape).hitTest(shape, point, tolerance);
    for (const shape of this.getSelectedShapes()) if (hits(shape)) return shape;
    const ids = this.store.getIds();
    for (let index = ids.length - 1; index >= 0; index--) {
      const shape = this.store.get(ids[index])!;
      if (hits(shape)) return shape;
    }
    return undefined;
  }

  /** Whether pointer input may pick this shape (the video editor says no for locked tracks). */
  protected isPickable(_id: string): boolean {
    return true;
  }

  // ── hidden, locked and base annotations ─────────────────────────────────────

  isHidden(id: string): boolean {
    return this.state.view.hideAll || this.hidden.has(id);
  }

  isLocked(id: string): boolean {
    return this.locked.has(id);
  }

  /** Whether the shape came from `base_annotations`. */
  isBase(id: string): boolean {
    return this.baseIds.has(id);
  }

  private isInteractive(id: string): boolean {
    return !this.isHidden(id) && !this.locked.has(id);
  }

  /** Geometry may change (move, resize, rotate, vertices). */
  canMove(shape: Shape): boolean {
    return !this.locked.has(shape.id) && !(this.baseIds.has(shape.id) && !this.config.base.canEdit);
  }

  canEditAttributes(shape: Shape): boolean {
    return this.canMove(shape);
  }

  canRelabel(shape: Shape): boolean {
    return !this.locked.has(shape.id) && !(this.baseIds.has(shape.id) && !this.config.base.canEditLabels);
  }

  canDelete(shape: Shape): boolean {
    return !this.locked.has(shape.id) && !(this.baseIds.has(shape.id) && !this.config.base.canDelete);
  }

  private setFlag(set: Set<string>, ids: readonly string[], on: boolean): void {
    for (const id of ids) {
      if (on) set.add(id);
      else set.delete(id);
    }
    this.flagListeners.forEach((listener) => listener());
    this.listeners.forEach((listener) => listener());
  }

  setHidden(ids: readonly string[], hidden: boolean): void {
    this.setFlag(this.hidden, ids, hidden);
    if (hidden) this.setSelection(this.selection.filter((id) => !ids.includes(id)));
  }

  setLocked(ids: readonly string[], locked: boolean): void {
    this.setFlag(this.locked, ids, locked);
  }

  /** H: hides the selection (or, with nothing selected, shows every hidden shape). */
  toggleHiddenSelected(): boolean {
    if (this.selection.length === 0) {
      if (this.hidden.size === 0) return false;
      this.setHidden([...this.hidden], false);
      return true;
    }
    this.setHidden(this.selection, true);
    return true;
  }

  toggleLockedSelected(): boolean {
    if (this.selection.length === 0) return false;
    this.setLocked(this.selection, !this.selection.every((id) => this.locked.has(id)));
    return true;
  }

  /** A handle of the single selected shape under a point. */
  handleAt(point: Vec): { shape: Shape; handle: Handle } | undefined {
    if (this.selection.length !== 1) return undefined;
    const shape = this.store.get(this.selection[0]);
    if (!shape || this.isHidden(shape.id)) return undefined;
    const tolerance = this.pageTolerance() * 1.5;
    let best: { shape: Shape; handle: Handle; distance: number } | undefined;
    for (const handle of this.handlesOf(shape)) {
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

  /**
   * Removes shapes, the links that touch them, and linked-attribute answers that point at them
   * (the key disappears, task-types.md §2.3), all in the pending history entry.
   */
  removeShapes(ids: readonly string[]): void {
    const removed = new Set(ids.filter((id) => this.store.get(id)));
    if (removed.size === 0) return;
    const linkDiff: StoreDiff<LinkRecord> = new Map();
    for (const link of this.links.getAll()) {
      if (removed.has(link.from) || removed.has(link.to)) linkDiff.set(link.id, { before: link, after: null });
    }
    this.history.record(linkDiff, this.links);
    const diff: StoreDiff = new Map();
    for (const id of removed) diff.set(id, { before: this.store.get(id)!, after: null });
    const linkedKeys = this.config.attributes.filter((definition) => definition.type === 'linked').map((definition) => definition.key);
    if (linkedKeys.length > 0) {
      for (const shape of this.store.getAll()) {
        if (removed.has(shape.id)) continue;
        const dangling = linkedKeys.filter((key) => removed.has(shape.attributes[key] as string));
        if (dangling.length === 0) continue;
        const attributes = { ...shape.attributes };
        for (const key of dangling) delete attributes[key];
        diff.set(shape.id, { before: shape, after: { ...shape, attributes } });
      }
    }
    this.history.record(diff);
    for (const id of removed) {
      this.hidden.delete(id);
      this.locked.delete(id);
    }
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

  /** Deletes the selected shapes that may be deleted, and says why any stay. */
  deleteSelected(): void {
    this.deleteShapes(this.selection);
  }

  /** Deletes these shapes (one undo step), skipping locked ones and base annotations that may not be deleted. */
  deleteShapes(ids: readonly string[]): void {
    const shapes = ids.map((id) => this.store.get(id)).filter((shape): shape is Shape => shape !== undefined);
    if (shapes.length === 0) return;
    const deletable = shapes.filter((shape) => this.canDelete(shape));
    if (deletable.length < shapes.length) this.notify(`${shapes.length - deletable.length} selected object(s) are locked or may not be deleted.`);
    if (deletable.length === 0) return;
    this.removeShapes(deletable.map((shape) => shape.id));
    this.commit();
  }

  /** R / Shift+R: turns the selected rotatable boxes. */
  rotateSelected(delta: number): boolean {
    if (!this.rulesFor('box').canRotate) return false;
    const boxes = this.getSelectedShapes().filter((shape) => shape.type === 'box' && this.canMove(shape));
    if (boxes.length === 0) return false;
    this.putShapes(boxes.map((shape) => rotateBox(shape as Extract<Shape, { type: 'box' }>, delta)));
    this.commit();
    return true;
  }

  /** N / Shift+N: selects the next (or previous) visible object in drawing order and brings it into view. */
  selectNext(direction: 1 | -1): boolean {
    const ids = this.store.getIds().filter((id) => !this.isHidden(id));
    if (ids.length === 0) return false;
    const current = this.selection.length > 0 ? ids.indexOf(this.selection[this.selection.length - 1]) : -1;
    const next = current === -1 ? (direction === 1 ? 0 : ids.length - 1) : (current + direction + ids.length) % ids.length;
    this.selectAndReveal(ids[next]);
    return true;
  }

  /** Selects one shape and pans to it (the object list's "jump to"). */
  selectAndReveal(id: string): void {
    this.setSelection([id]);
    this.revealShape(id);
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
    const selected = this.getSelectedShapes().filter((shape) => shape.type === geometry && shape.label !== label);
    if (selected.some((shape) => !this.canRelabel(shape))) this.notify('The label of a locked or given annotation cannot be changed.');
    const relabelled = selected
      .filter((shape) => this.canRelabel(shape))
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

  /** ] and [: the next or previous label of the geometry in focus. */
  cycleLabel(direction: 1 | -1): boolean {
    const geometry = this.focusedGeometry();
    const options = geometry ? this.labelsFor(geometry) : [];
    if (!geometry || options.length === 0) return false;
    const selected = this.getSelectedShapes();
    const current = selected.length > 0 ? selected[0].label : this.state.activeLabels[geometry];
    const position = options.findIndex((option) => option.value === current);
    const next = options[(position + direction + options.length) % options.length];
    this.setActiveLabel(geometry, next.value);
    return true;
  }

  pickLabelByNumber(position: number): boolean {
    const geometry = this.focusedGeometry();
    const option = geometry ? this.labelsFor(geometry)[position - 1] : undefined;
    if (!geometry || !option) return false;
    this.setActiveLabel(geometry, option.value);
    return true;
  }

  /** Answers one attribute of one shape (undefined clears it); answers that no longer apply are dropped. */
  setAttribute(shapeId: string, key: string, value: AttributeValue | undefined): void {
    const shape = this.store.get(shapeId);
    if (!shape || !this.canEditAttributes(shape)) return;
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
    const links = loadLinks((response as { links?: unknown } | null)?.links, new Set(result.shapes.map((shape) => shape.id)));
    this.replaceAll(result.shapes, links, result.globalAttributes);
    return { loaded: result.shapes.length, skipped: result.skipped };
  }

  /**
   * Starts a task: its read-only `layers`, then either the labeler's saved draft or the
   * `hypothesis` plus the `base_annotations` (whose `can_*` flags then apply to those shapes).
   * Base annotations are recognised in a draft by their uuid.
   */
  loadTask(params: Record<string, unknown>, draft?: unknown): { loaded: number; skipped: number } {
    this.layerShapes = loadLayers(params.layers);
    const base = params.base_annotations;
    if (draft) {
      const result = this.load(draft);
      const baseUuids = new Set(
        (Array.isArray((base as { annotations?: unknown })?.annotations) ? ((base as { annotations: unknown[] }).annotations as Array<{ uuid?: unknown }>) : []).map((entry) => entry?.uuid),
      );
      this.baseIds = new Set(this.store.getIds().filter((id) => baseUuids.has(id)));
      return result;
    }
    const hypothesis = loadAnnotations(params.hypothesis, this.config, 0);
    const given = loadAnnotations(base, this.config, hypothesis.shapes.length);
    const taken = new Set(hypothesis.shapes.map((shape) => shape.id));
    const baseShapes = given.shapes.map((shape) => (taken.has(shape.id) ? { ...shape, id: newId() } : shape));
    const shapes = [...hypothesis.shapes, ...baseShapes];
    const links = loadLinks((params.hypothesis as { links?: unknown } | null)?.links, new Set(shapes.map((shape) => shape.id)));
    this.replaceAll(shapes, links, { ...given.globalAttributes, ...hypothesis.globalAttributes });
    this.baseIds = new Set(baseShapes.map((shape) => shape.id));
    return { loaded: shapes.length, skipped: hypothesis.skipped + given.skipped };
  }

  private replaceAll(shapes: Shape[], links: LinkRecord[], globalAttributes: Record<string, AttributeValue>): void {
    this.removeShapes(this.store.getIds());
    this.putShapes(shapes);
    const linkDiff: StoreDiff<LinkRecord> = new Map();
    for (const link of links) linkDiff.set(link.id, { before: null, after: link });
    this.history.record(linkDiff, this.links);
    this.history.clear();
    this.nextIndex = shapes.length;
    this.nextLinkIndex = links.length;
    this.baseIds = new Set();
    this.hidden.clear();
    this.locked.clear();
    this.setSelection([]);
    this.update({ globalAttributes, canUndo: false, canRedo: false });
  }

  getResponse(): ImageResponse {
    return serialiseResponse(this.store.getAll(), this.config, this.state.globalAttributes, this.links.getAll());
  }

  // ── links and linked attributes ─────────────────────────────────────────────

  linkType(label: string): LinkType | undefined {
    return this.config.linkTypes.find((type) => type.label === label);
  }

  setActiveLinkType(label: string): void {
    if (this.linkType(label)) this.update({ activeLinkType: label });
  }

  /** Whether a shape may start a link of the active type. */
  canLinkFrom(shape: Shape): boolean {
    const type = this.linkType(this.state.activeLinkType);
    return !!type && canStartLink(type, shape.label);
  }

  canLinkTo(from: Shape, to: Shape): boolean {
    const type = this.linkType(this.state.activeLinkType);
    return !!type && from.id !== to.id && linkAllowed(type, from.label, to.label);
  }

  /** Adds a link of the active type from one annotation to another, as one undo step. */
  addLink(fromId: string, toId: string): LinkRecord | undefined {
    const from = this.store.get(fromId);
    const to = this.store.get(toId);
    if (!from || !to || !this.canLinkTo(from, to)) return undefined;
    const label = this.state.activeLinkType;
    const existing = this.links.getAll().find((link) => link.label === label && link.from === fromId && link.to === toId);
    if (existing) return existing;
    const link: LinkRecord = { id: newId(), label, from: fromId, to: toId, index: this.nextLinkIndex++ };
    this.history.record(new Map([[link.id, { before: null, after: link }]]), this.links);
    this.commit();
    return link;
  }

  removeLink(id: string): void {
    const link = this.links.get(id);
    if (!link) return;
    this.history.record(new Map([[id, { before: link, after: null }]]), this.links);
    this.commit();
  }

  /** The annotations a linked attribute of this shape may point at (label in `allowed_labels`, not itself). */
  linkTargets(shapeId: string, key: string): Shape[] {
    const definition = this.config.attributes.find((candidate) => candidate.key === key && candidate.type === 'linked');
    if (!definition) return [];
    return this.store.getAll().filter((shape) => shape.id !== shapeId && isAllowedTarget(definition, shape));
  }

  /** Waits for a click on the target of a linked attribute (Escape cancels). */
  beginPickingTarget(shapeId: string, key: string): void {
    const definition = this.config.attributes.find((candidate) => candidate.key === key);
    this.update({ picking: { shapeId, key }, notice: `Click the ${definition?.allowedLabels.join(' or ') || 'annotation'} this links to (Esc cancels).` });
  }

  private pickTargetAt(point: Vec): void {
    const picking = this.state.picking!;
    const allowed = new Set(this.linkTargets(picking.shapeId, picking.key).map((shape) => shape.id));
    const target = this.shapeAt(point, (shape) => allowed.has(shape.id));
    if (!target) return this.notify('That is not an annotation this attribute may link to. Click another, or press Esc.');
    this.update({ picking: null, notice: null });
    this.setAttribute(picking.shapeId, picking.key, target.id);
  }

  /** The skeleton lines between keypoints (`geometries.point.connections`), for the canvas. */
  skeleton(): SkeletonSegment[] {
    return skeletonSegments(this.store.getAll(), this.config.connections, (id) => this.isHidden(id));
  }

  /** Shapes whose bounds meet a rectangle (in image pixels). */
  shapesIn(rect: Rect): Shape[] {
    return this.store.getAll().filter((shape) => rectsIntersect(utilOf(shape).bounds(shape), rect));
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
        const value = shape.attributes[definition.key];
        if (definition.required && !isAnswered(value)) {
          const verb = definition.type === 'linked' ? 'link' : 'answer';
          problems.push({ shapeId: shape.id, message: `${name}: ${verb} “${definition.description}”.` });
        } else if (definition.type === 'linked' && value !== undefined) {
          const target = this.store.get(String(value));
          if (!target || target.id === shape.id || !isAllowedTarget(definition, target)) {
            problems.push({ shapeId: shape.id, message: `${name}: “${definition.description}” must link to a ${definition.allowedLabels.join(' or ')}.` });
          }
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

  /** Caption of a label ("vehicle › truck or SUV") from whichever geometry offers it. */
  captionOfLabel(label: string): string {
    for (const geometry of this.enabledGeometries()) {
      const option = this.labelsFor(geometry).find((candidate) => candidate.value === label);
      if (option) return labelCaption(option);
    }
    return label || '(no label)';
  }

  /** Caption of a shape's label, for lists and the attribute panel. */
  labelCaptionOf(shape: Shape): string {
    const option = this.labelsFor(shape.type).find((candidate) => candidate.value === shape.label);
    return option ? labelCaption(option) : shape.label || '(no label)';
  }
}

/** Whether a shape may be the target of a linked attribute. */
function isAllowedTarget(definition: AttributeDefinition, shape: Shape): boolean {
  return definition.allowedLabels.length === 0 || definition.allowedLabels.includes(shape.label);
}
