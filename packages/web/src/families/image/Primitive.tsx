import type { RenderPrimitive } from '../../editor/types.ts';

/** Draws one render primitive as an SVG element (read-only layers and the static response preview; the editors paint theirs on a canvas). */
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
