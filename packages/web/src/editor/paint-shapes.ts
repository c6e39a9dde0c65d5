import type { Editor, ViewOptions } from './editor.ts';
import { utilOf } from './shapes/index.ts';
import type { Camera } from './viewport.ts';
import type { RenderPrimitive, Shape } from './types.ts';

/** What one paint of the editor's shapes depends on besides the shapes themselves. */
export interface ShapesPaintView {
  camera: Camera;
  /** Device pixels per CSS pixel. */
  scale: number;
  view: ViewOptions;
  selected: ReadonlySet<string>;
}

const CAPTION_FONT = '600 13px system-ui, sans-serif';

/** How far (CSS px) past the viewport's left and top a shape may lie and still be painted: its caption reaches right and up from its anchor. */
const CAPTION_REACH = { left: 400, top: 24 };

/**
 * Paints the shapes of an editor's store onto a 2D canvas the size of the viewport: the image
 * editor's shapes and the video editor's current frame (stroke 2 px, 3 px when selected, fill at the
 * view's opacity, the caption above the label anchor). Geometry is placed through the camera;
 * strokes, dots and captions keep their screen size at any zoom, as non-scaling SVG strokes would.
 * A zoom step then costs one clear and a path per shape, with no DOM element changed; shapes wholly
 * outside the viewport are skipped. `shapes` narrows the paint to some of the store's shapes:
 * paint-layers.ts paints a gesture's shapes apart from the others, so a drag step paints one.
 * Returns the shapes painted, in paint order (tests and the benches read them from the canvas element).
 */
export function paintShapes(context: CanvasRenderingContext2D, editor: Editor, view: ShapesPaintView, shapes: Iterable<Shape> = editor.store.getAll()): Shape[] {
  const { camera, scale } = view;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, context.canvas.width, context.canvas.height);
  const viewportWidth = context.canvas.width / scale;
  const viewportHeight = context.canvas.height / scale;
  const fill = view.view.showFill ? view.view.fillOpacity : 0;
  const captions: Array<{ text: string; x: number; y: number }> = [];
  const painted: Shape[] = [];
  for (const shape of shapes) {
    if (editor.isHidden(shape.id)) continue;
    const bounds = utilOf(shape).bounds(shape);
    const left = bounds.left * camera.zoom + camera.x;
    const top = bounds.top * camera.zoom + camera.y;
    const right = left + bounds.width * camera.zoom;
    const bottom = top + bounds.height * camera.zoom;
    if (right < -CAPTION_REACH.left || bottom < -CAPTION_REACH.top || left > viewportWidth + 8 || top > viewportHeight + 8) continue;
    painted.push(shape);
    const selected = view.selected.has(shape.id);
    const color = editor.colorOf(shape.label);
    context.strokeStyle = color;
    context.fillStyle = color;
    const shapeFill = selected ? fill * 2 + 0.05 : fill;
    for (const primitive of utilOf(shape).render(shape)) {
      if (primitive.kind === 'point') {
        // A dot of constant screen size (9 px across), filled: canvas strokes drop zero-length segments.
        context.setTransform(1, 0, 0, 1, 0, 0);
        context.beginPath();
        context.arc((primitive.cx * camera.zoom + camera.x) * scale, (primitive.cy * camera.zoom + camera.y) * scale, (selected ? 6 : 4.5) * scale, 0, 2 * Math.PI);
        context.fill();
        continue;
      }
      // The path is built through the camera; the stroke is drawn without it, so its width is in screen pixels.
      context.setTransform(scale * camera.zoom, 0, 0, scale * camera.zoom, scale * camera.x, scale * camera.y);
      context.beginPath();
      const filled = tracePrimitive(context, primitive) && shape.type !== 'line';
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.lineWidth = (selected ? 3 : 2) * scale;
      if (filled && shapeFill > 0) {
        context.globalAlpha = Math.min(1, shapeFill);
        context.fill();
        context.globalAlpha = 1;
      }
      context.stroke();
    }
    if (view.view.showLabels) {
      const anchor = utilOf(shape).labelAnchor(shape);
      captions.push({ text: captionOf(editor, shape, view.view.showAttributes), x: anchor.x * camera.zoom + camera.x, y: anchor.y * camera.zoom + camera.y });
    }
  }
  // Captions go over every shape, as in the SVG where each follows its own shape but is never covered by a stroke.
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.font = CAPTION_FONT;
  context.textBaseline = 'bottom';
  context.lineJoin = 'round';
  context.lineWidth = 3.5;
  context.strokeStyle = 'rgba(0, 0, 0, 0.85)';
  context.fillStyle = '#fff';
  for (const caption of captions) {
    context.strokeText(caption.text, caption.x, caption.y);
    context.fillText(caption.text, caption.x, caption.y);
  }
  context.setTransform(1, 0, 0, 1, 0, 0);
  return painted;
}

/** Adds a primitive to the current path; true when it encloses an area (it gets the fill). */
function tracePrimitive(context: CanvasRenderingContext2D, primitive: RenderPrimitive): boolean {
  switch (primitive.kind) {
    case 'rect':
      context.rect(primitive.x, primitive.y, primitive.width, primitive.height);
      return true;
    case 'polygon':
    case 'polyline': {
      const numbers = primitive.points.split(/[\s,]+/).filter(Boolean).map(Number);
      for (let index = 0; index + 1 < numbers.length; index += 2) {
        if (index === 0) context.moveTo(numbers[0], numbers[1]);
        else context.lineTo(numbers[index], numbers[index + 1]);
      }
      if (primitive.kind === 'polygon') context.closePath();
      return primitive.kind === 'polygon';
    }
    case 'segment':
      context.moveTo(primitive.x1, primitive.y1);
      context.lineTo(primitive.x2, primitive.y2);
      return false;
    case 'ellipse':
      context.ellipse(primitive.cx, primitive.cy, primitive.rx, primitive.ry, (primitive.rotationDegrees * Math.PI) / 180, 0, 2 * Math.PI);
      return true;
    case 'point':
      return false; // painted as a dot by paintShapes
  }
}

/** The label caption, then the attribute answers when the view shows them (as the SVG caption does). */
function captionOf(editor: Editor, shape: Shape, withAttributes: boolean): string {
  const label = editor.labelCaptionOf(shape);
  if (!withAttributes) return label;
  const answers = Object.entries(shape.attributes)
    .filter(([key]) => editor.config.attributes.some((definition) => definition.key === key && definition.type !== 'linked'))
    .map(([, value]) => (Array.isArray(value) ? value.join('/') : String(value)));
  return answers.length > 0 ? `${label} · ${answers.join(' · ')}` : label;
}
