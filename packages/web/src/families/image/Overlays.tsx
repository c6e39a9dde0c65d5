import type { Editor } from '../../editor/editor.ts';
import { useEditorState, useSelectedIds, useShape } from './use-editor.ts';

/** Handles of the one selected shape, drawn at a constant screen size. */
export function HandlesLayer({ editor }: { editor: Editor }) {
  const selected = useSelectedIds(editor);
  if (selected.length !== 1) return null;
  return <ShapeHandles editor={editor} id={selected[0]} />;
}

function ShapeHandles({ editor, id }: { editor: Editor; id: string }) {
  const shape = useShape(editor, id);
  const zoom = useEditorState(editor, (state) => state.camera.zoom);
  if (!shape) return null;
  const size = 8 / zoom;
  return (
    <g data-handles-for={id} fill="white" stroke="#1d4ed8" strokeWidth={1.5} vectorEffect="non-scaling-stroke">
      {editor
        .handlesOf(shape)
        .map((handle) =>
          handle.kind === 'resize' ? (
            <rect
              key={handle.id}
              data-handle={handle.id}
              vectorEffect="non-scaling-stroke"
              x={handle.point.x - size / 2}
              y={handle.point.y - size / 2}
              width={size}
              height={size}
            />
          ) : (
            <circle
              key={handle.id}
              data-handle={handle.id}
              vectorEffect="non-scaling-stroke"
              cx={handle.point.x}
              cy={handle.point.y}
              r={handle.kind === 'rotate' ? size * 0.7 : size / 2}
              fill={handle.kind === 'rotate' ? '#fde047' : undefined}
            >
              {handle.kind === 'rotate' && <title>Drag to rotate (Shift: 15° steps; R / Shift+R turn by 5°)</title>}
            </circle>
          ),
        )}
    </g>
  );
}

/** The polygon or line being drawn, with a rubber band to the cursor. */
export function PathPreviewLayer({ editor }: { editor: Editor }) {
  const preview = useEditorState(editor, (state) => state.pathPreview);
  const zoom = useEditorState(editor, (state) => state.camera.zoom);
  if (!preview || preview.vertices.length === 0) return null;
  const points = [...preview.vertices, ...(preview.cursor ? [preview.cursor] : [])];
  const closing = preview.geometry === 'polygon' && preview.vertices.length >= 3;
  return (
    <g data-path-preview={preview.geometry} stroke="#f59e0b" fill="none" strokeWidth={2}>
      <polyline vectorEffect="non-scaling-stroke" points={points.map((point) => `${point.x},${point.y}`).join(' ')} />
      {preview.vertices.map((vertex, index) => (
        <circle
          key={index}
          vectorEffect="non-scaling-stroke"
          cx={vertex.x}
          cy={vertex.y}
          r={(index === 0 && closing ? 6 : 3.5) / zoom}
          fill={index === 0 && closing ? '#f59e0b' : 'white'}
        />
      ))}
    </g>
  );
}
