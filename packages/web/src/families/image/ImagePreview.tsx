import { useEffect, useMemo, useState } from 'react';
import { editorConfigFromTask } from '../../editor/config.ts';
import { labelPalette } from '../../editor/labels.ts';
import { loadAnnotations } from '../../editor/serialise.ts';
import { utilOf } from '../../editor/shapes/index.ts';
import { skeletonSegments } from '../../editor/skeleton.ts';
import { loadLinks } from '../../editor/links.ts';
import { attachmentUrl } from '../../workbench/task-editor.ts';
import type { PreviewProps } from '../types.ts';
import { Primitive } from './Primitive.tsx';

/** Image annotations drawn read-only over the image, with the editor's own shape modules and colours, keypoint skeletons and links. */
export function ImagePreview({ task, response }: PreviewProps) {
  const config = useMemo(() => editorConfigFromTask(task.type, task.params), [task.type, task.params]);
  const { shapes, skipped } = useMemo(() => loadAnnotations(response, config), [response, config]);
  // The skeleton and links are drawn as the editor draws them (CanvasLayers), from the same modules.
  const bones = useMemo(() => skeletonSegments(shapes, config.connections), [shapes, config]);
  const arrows = useMemo(() => {
    const byId = new Map(shapes.map((shape) => [shape.id, shape]));
    const centre = (id: string) => {
      const bounds = utilOf(byId.get(id)!).bounds(byId.get(id)!);
      return { x: bounds.left + bounds.width / 2, y: bounds.top + bounds.height / 2 };
    };
    const links = loadLinks((response as { links?: unknown } | null)?.links, new Set(byId.keys()));
    return links.map((link) => ({ id: link.id, label: link.label, from: centre(link.from), to: centre(link.to) }));
  }, [shapes, response]);
  const colorOf = useMemo(
    () => labelPalette(Object.values(config.geometries).flatMap((rules) => rules?.labels.map((option) => option.value) ?? [])),
    [config],
  );
  const url = attachmentUrl(task);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    if (!url) return;
    const image = new Image();
    image.onload = () => setSize({ width: image.naturalWidth, height: image.naturalHeight });
    image.src = url;
    return () => {
      image.onload = null;
    };
  }, [url]);

  // Until the image size is known (or without an image), frame the shapes themselves.
  const frame = size ?? shapeFrame(shapes.flatMap((shape) => utilOf(shape).render(shape)));
  const counts = new Map<string, number>();
  for (const shape of shapes) counts.set(shape.label, (counts.get(shape.label) ?? 0) + 1);
  return (
    <div className="tw-preview tw-preview-image">
      <svg
        viewBox={`0 0 ${frame.width} ${frame.height}`}
        width="100%"
        className="tw-preview-canvas"
        role="img"
        aria-label={`${shapes.length} annotation${shapes.length === 1 ? '' : 's'} over the image`}
        data-testid="response-preview"
      >
        {url && size && <image href={url} x={0} y={0} width={size.width} height={size.height} />}
        {shapes.map((shape) => {
          const color = colorOf(shape.label);
          return (
            <g key={shape.id} data-shape-type={shape.type} data-label={shape.label} stroke={color} fill={shape.type === 'line' ? 'none' : color} fillOpacity={0.15} strokeWidth={2}>
              <title>{shape.label}</title>
              {utilOf(shape)
                .render(shape)
                .map((primitive, index) => (
                  <Primitive key={index} primitive={primitive} />
                ))}
            </g>
          );
        })}
        {bones.length > 0 && (
          <g data-layer="skeleton" stroke="#fde047" strokeWidth={2} strokeDasharray="6 3">
            {bones.map((bone) => (
              <line key={bone.key} data-bone={bone.key} vectorEffect="non-scaling-stroke" x1={bone.x1} y1={bone.y1} x2={bone.x2} y2={bone.y2} />
            ))}
          </g>
        )}
        {arrows.length > 0 && (
          <g data-layer="links" stroke="#22d3ee" strokeWidth={2}>
            <defs>
              <marker id="tw-preview-link-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" fill="#22d3ee" stroke="none" />
              </marker>
            </defs>
            {arrows.map((arrow) => (
              <line key={arrow.id} data-link-id={arrow.id} vectorEffect="non-scaling-stroke" markerEnd="url(#tw-preview-link-arrow)" x1={arrow.from.x} y1={arrow.from.y} x2={arrow.to.x} y2={arrow.to.y}>
                <title>{arrow.label}</title>
              </line>
            ))}
          </g>
        )}
      </svg>
      <ul className="tw-legend" aria-label="Labels">
        {[...counts].map(([label, count]) => (
          <li key={label}>
            <span className="tw-swatch" style={{ background: colorOf(label) }} /> {label || '(no label)'} × {count}
          </li>
        ))}
        {shapes.length === 0 && <li className="tw-hint">No annotations.</li>}
        {skipped > 0 && <li className="tw-notice">{skipped} annotation(s) could not be drawn.</li>}
      </ul>
    </div>
  );
}

/** A frame around every drawn point, with a margin, for responses without a loaded image. */
function shapeFrame(primitives: ReturnType<ReturnType<typeof utilOf>['render']>): { width: number; height: number } {
  let width = 100;
  let height = 100;
  const see = (x: number, y: number) => {
    width = Math.max(width, x * 1.1);
    height = Math.max(height, y * 1.1);
  };
  for (const primitive of primitives) {
    if (primitive.kind === 'rect') see(primitive.x + primitive.width, primitive.y + primitive.height);
    else if (primitive.kind === 'point') see(primitive.cx, primitive.cy);
    else if (primitive.kind === 'ellipse') see(primitive.cx + Math.max(primitive.rx, primitive.ry), primitive.cy + Math.max(primitive.rx, primitive.ry));
    else if (primitive.kind === 'segment') see(Math.max(primitive.x1, primitive.x2), Math.max(primitive.y1, primitive.y2));
    else for (const pair of primitive.points.trim().split(/\s+/)) see(...(pair.split(',').map(Number) as [number, number]));
  }
  return { width, height };
}

