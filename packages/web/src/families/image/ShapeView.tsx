import { memo } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { utilOf } from '../../editor/shapes/index.ts';
import type { RenderPrimitive } from '../../editor/types.ts';
import { useIsHidden, useIsSelected, useShape } from './use-editor.ts';

/**
 * One shape (its caption is in Captions.tsx). It subscribes to its own record, its selected flag
 * and its hidden flag, so moving one box among 1,000 re-renders one of these. Strokes don't scale
 * with zoom (vector-effect) and the fill opacity comes from a CSS variable the canvas sets once,
 * so zooming and the view sliders re-render none of them.
 */
export const ShapeView = memo(function ShapeView({ editor, id }: { editor: Editor; id: string }) {
  const shape = useShape(editor, id);
  const selected = useIsSelected(editor, id);
  const hidden = useIsHidden(editor, id);
  if (!shape || hidden) return null;
  const color = editor.colorOf(shape.label);
  return (
    <g
      className="tw-shape"
      data-shape-id={shape.id}
      data-shape-type={shape.type}
      data-label={shape.label}
      data-selected={selected || undefined}
      stroke={color}
      fill={shape.type === 'line' ? 'none' : color}
      strokeWidth={selected ? 3 : 2}
    >
      {utilOf(shape).render(shape).map((primitive, index) => (
        <Primitive key={index} primitive={primitive} />
      ))}
    </g>
  );
});

/** Draws one render primitive as an SVG element. */
export function Primitive({ primitive }: { primitive: RenderPrimitive }) {
  const common = { vectorEffect: 'non-scaling-stroke' as const };
  switch (primitive.kind) {
    case 'rect':
      return <rect {...common} x={primitive.x} y={primitive.y} width={primitive.width} height={primitive.height} />;
    case 'polygon':
      return <polygon {...common} points={primitive.points} />;
    case 'polyline':
      return <polyline {...common} points={primitive.points} fill="none" />;
    case 'segment':
      return <line {...common} x1={primitive.x1} y1={primitive.y1} x2={primitive.x2} y2={primitive.y2} />;
    case 'ellipse':
      return (
        <ellipse
          {...common}
          cx={primitive.cx}
          cy={primitive.cy}
          rx={primitive.rx}
          ry={primitive.ry}
          transform={primitive.rotationDegrees ? `rotate(${primitive.rotationDegrees} ${primitive.cx} ${primitive.cy})` : undefined}
        />
      );
    case 'point':
      // A zero-length round-capped line: a dot of constant screen size at any zoom, without re-rendering.
      return (
        <line {...common} x1={primitive.cx} y1={primitive.cy} x2={primitive.cx} y2={primitive.cy} strokeWidth={9} strokeLinecap="round" />
      );
  }
}
