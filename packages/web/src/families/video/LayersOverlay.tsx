import { useMemo } from 'react';
import { utilFor } from '../../editor/shapes/index.ts';
import type { GeometryType, Shape } from '../../editor/types.ts';
import type { VideoEditor } from '../../editor/time/video-editor.ts';
import { Primitive } from '../image/Primitive.tsx';
import { useVideoState } from './use-video-editor.ts';

const LAYER_GEOMETRY: Record<string, GeometryType> = { boxes: 'box', polygons: 'polygon', lines: 'line', points: 'point', cuboids: 'cuboid', ellipses: 'ellipse' };

/** The shapes of one frame's Layers object (`{boxes: [], polygons: [], …}` in response format). */
function layerShapes(layer: unknown): Shape[] {
  if (typeof layer !== 'object' || layer === null) return [];
  const shapes: Shape[] = [];
  for (const [key, geometry] of Object.entries(LAYER_GEOMETRY)) {
    const list = (layer as Record<string, unknown>)[key];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, index) => {
      const shape = entry && typeof entry === 'object' ? utilFor(geometry).fromScaleFields(entry as Record<string, unknown>, { id: `${key}-${index}`, label: '', attributes: {}, index } as never) : null;
      if (shape) shapes.push(shape as Shape);
    });
  }
  return shapes;
}

/** `layers.url`: a read-only overlay for the current frame, drawn dashed under the editable shapes. */
export function LayersOverlay({ editor, layers }: { editor: VideoEditor; layers: unknown[] }) {
  const frame = useVideoState(editor, (state) => state.frame);
  const shapes = useMemo(() => layerShapes(layers[frame]), [layers, frame]);
  return (
    <g data-layer="layers" stroke="#e5e7eb" strokeDasharray="6 4" fill="none" strokeWidth={1.5} pointerEvents="none">
      {shapes.map((shape) =>
        utilFor(shape.type)
          .render(shape as never)
          .map((primitive, index) => <Primitive key={`${shape.id}-${index}`} primitive={primitive} />),
      )}
    </g>
  );
}
