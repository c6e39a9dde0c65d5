import { useCallback, useSyncExternalStore } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { utilOf } from '../../editor/shapes/index.ts';
import { Primitive } from './Primitive.tsx';
import { useEditorState } from './use-editor.ts';

const noSubscription = () => () => {};

/**
 * A value computed from the whole store, recomputed on any change only when `active` (a task
 * without keypoint connections or links pays nothing while shapes are dragged).
 */
function useStoreDerived<T>(editor: Editor, active: boolean, compute: () => T, key: (value: T) => string): T | null {
  const serialised = useSyncExternalStore(
    useCallback((listener) => (active ? chain(editor.store.subscribe(listener), editor.links.subscribe(listener), editor.subscribeFlags(listener)) : noSubscription()), [editor, active]),
    () => (active ? key(compute()) : ''),
  );
  return active && serialised ? (JSON.parse(serialised) as T) : null;
}

const chain = (...unsubscribers: Array<() => void>) => () => unsubscribers.forEach((unsubscribe) => unsubscribe());

/** Keypoint skeleton lines (`geometries.point.connections`): a visual aid, never saved. */
export function SkeletonLayer({ editor }: { editor: Editor }) {
  const segments = useStoreDerived(editor, editor.config.connections.length > 0, () => editor.skeleton(), JSON.stringify);
  if (!segments || segments.length === 0) return null;
  return (
    <g data-layer="skeleton" stroke="#fde047" strokeWidth={2} strokeDasharray="6 3" pointerEvents="none">
      {segments.map((segment) => (
        <line key={segment.key} data-bone={segment.key} vectorEffect="non-scaling-stroke" x1={segment.x1} y1={segment.y1} x2={segment.x2} y2={segment.y2} />
      ))}
    </g>
  );
}

/** Links between annotations: an arrow from the centre of one to the centre of the other. */
export function LinksLayer({ editor }: { editor: Editor }) {
  const arrows = useStoreDerived(
    editor,
    editor.config.linkTypes.length > 0,
    () =>
      editor.links.getAll().flatMap((link) => {
        const from = editor.store.get(link.from);
        const to = editor.store.get(link.to);
        if (!from || !to || editor.isHidden(from.id) || editor.isHidden(to.id)) return [];
        const centre = (shape: typeof from) => {
          const bounds = utilOf(shape).bounds(shape);
          return { x: bounds.left + bounds.width / 2, y: bounds.top + bounds.height / 2 };
        };
        const a = centre(from);
        const b = centre(to);
        return [{ id: link.id, label: link.label, x1: a.x, y1: a.y, x2: b.x, y2: b.y }];
      }),
    JSON.stringify,
  );
  if (!arrows || arrows.length === 0) return null;
  return (
    <g data-layer="links" stroke="#22d3ee" strokeWidth={2} pointerEvents="none">
      <defs>
        <marker id="tw-link-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#22d3ee" stroke="none" />
        </marker>
      </defs>
      {arrows.map((arrow) => (
        <line key={arrow.id} data-link-id={arrow.id} vectorEffect="non-scaling-stroke" markerEnd="url(#tw-link-arrow)" x1={arrow.x1} y1={arrow.y1} x2={arrow.x2} y2={arrow.y2} />
      ))}
    </g>
  );
}

/** `params.layers`: grey dashed outlines under the annotations, never selectable. */
export function ReadOnlyLayer({ editor }: { editor: Editor }) {
  if (editor.layerShapes.length === 0) return null;
  return (
    <g data-layer="read-only" stroke="#e5e7eb" strokeDasharray="4 3" fill="none" strokeWidth={1.5} pointerEvents="none">
      {editor.layerShapes.map((shape) =>
        utilOf(shape)
          .render(shape)
          .map((primitive, index) => <Primitive key={`${shape.id}-${index}`} primitive={primitive} />),
      )}
    </g>
  );
}

/** The drawable margin a task's `padding` adds around the image. */
export function PaddingFrame({ editor }: { editor: Editor }) {
  const imageSize = useEditorState(editor, (state) => state.imageSize);
  const area = editor.drawableArea();
  if (!imageSize || !area || (editor.config.padding.x === 0 && editor.config.padding.y === 0)) return null;
  return (
    <rect
      data-layer="padding"
      x={area.left}
      y={area.top}
      width={area.width}
      height={area.height}
      fill="#1f2937"
      stroke="#9ca3af"
      strokeDasharray="6 4"
      vectorEffect="non-scaling-stroke"
      pointerEvents="none"
    />
  );
}

/** Full-width and full-height lines through the pointer while a drawing tool is active. */
export function Crosshair({ editor }: { editor: Editor }) {
  const pointer = useEditorState(editor, (state) => state.pointer);
  const imageSize = useEditorState(editor, (state) => state.imageSize);
  if (!pointer || !imageSize) return null;
  const area = editor.drawableArea()!;
  return (
    <g data-layer="crosshair" stroke="white" strokeOpacity={0.8} strokeWidth={1} strokeDasharray="4 4" pointerEvents="none">
      <line vectorEffect="non-scaling-stroke" x1={area.left} x2={area.left + area.width} y1={pointer.y} y2={pointer.y} />
      <line vectorEffect="non-scaling-stroke" x1={pointer.x} x2={pointer.x} y1={area.top} y2={area.top + area.height} />
    </g>
  );
}
