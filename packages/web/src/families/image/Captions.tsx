import { memo } from 'react';
import type { Editor } from '../../editor/editor.ts';
import { utilOf } from '../../editor/shapes/index.ts';
import type { Shape } from '../../editor/types.ts';
import { useIsHidden, useShape, useShapeIds } from './use-editor.ts';

/**
 * Every shape's caption, in a layer the camera only translates (the canvas puts it outside the
 * scaled group). Browsers lay SVG text out again whenever the scale above it changes, so captions
 * inside the zoomed group cost 1,000 text layouts per wheel step; here the text keeps one size and
 * a zoom step only moves each caption, through the `--tw-zoom` variable (no React render either).
 */
export const CaptionsLayer = memo(function CaptionsLayer({ editor }: { editor: Editor }) {
  const ids = useShapeIds(editor);
  return (
    <g data-layer="captions" pointerEvents="none">
      {ids.map((id) => (
        <CaptionView key={id} editor={editor} id={id} />
      ))}
    </g>
  );
});

/** One caption: follows its own record and hidden flag, so dragging one box re-renders one caption. */
const CaptionView = memo(function CaptionView({ editor, id }: { editor: Editor; id: string }) {
  const shape = useShape(editor, id);
  const hidden = useIsHidden(editor, id);
  if (!shape || hidden) return null;
  const anchor = utilOf(shape).labelAnchor(shape);
  return (
    <g className="tw-caption" data-caption-for={id} style={{ transform: `translate(calc(${anchor.x}px * var(--tw-zoom)), calc(${anchor.y}px * var(--tw-zoom)))` }}>
      <Caption editor={editor} shape={shape} />
    </g>
  );
});

/** The label, then the attribute answers (shown with Shift+T, by CSS). */
function Caption({ editor, shape }: { editor: Editor; shape: Shape }) {
  const answers = Object.entries(shape.attributes)
    .filter(([key]) => editor.config.attributes.some((definition) => definition.key === key && definition.type !== 'linked'))
    .map(([, value]) => (Array.isArray(value) ? value.join('/') : String(value)));
  return (
    <text className="tw-shape-caption">
      {editor.labelCaptionOf(shape)}
      {answers.length > 0 && <tspan className="tw-caption-attributes"> · {answers.join(' · ')}</tspan>}
    </text>
  );
}
