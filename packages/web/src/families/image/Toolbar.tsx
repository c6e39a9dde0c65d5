import type { Editor } from '../../editor/editor.ts';
import type { ToolId } from '../../editor/tools/index.ts';
import { useEditorState } from './use-editor.ts';

const TOOL_BUTTONS: Array<{ id: ToolId; caption: string; shortcut: string }> = [
  { id: 'select', caption: 'Select', shortcut: 'V' },
  { id: 'box', caption: 'Box', shortcut: 'B' },
  { id: 'polygon', caption: 'Polygon', shortcut: 'P' },
  { id: 'line', caption: 'Line', shortcut: 'L' },
  { id: 'point', caption: 'Point', shortcut: '.' },
  { id: 'ellipse', caption: 'Ellipse', shortcut: 'E' },
  { id: 'cuboid', caption: 'Cuboid', shortcut: 'C' },
];

/** Tool buttons (only the geometries the task asks for), undo/redo and zoom. */
export function Toolbar({ editor }: { editor: Editor }) {
  const toolId = useEditorState(editor, (state) => state.toolId);
  const canUndo = useEditorState(editor, (state) => state.canUndo);
  const canRedo = useEditorState(editor, (state) => state.canRedo);
  const zoom = useEditorState(editor, (state) => state.camera.zoom);
  const enabled = new Set<string>(['select', ...editor.enabledGeometries()]);
  return (
    <div className="tw-toolbar" role="toolbar" aria-label="Tools">
      {TOOL_BUTTONS.filter((button) => enabled.has(button.id)).map((button) => (
        <button
          key={button.id}
          type="button"
          aria-pressed={toolId === button.id}
          title={`${button.caption} (${button.shortcut})`}
          onClick={() => editor.setTool(button.id)}
        >
          {button.caption} <kbd>{button.shortcut}</kbd>
        </button>
      ))}
      <span className="tw-toolbar-gap" />
      <button type="button" disabled={!canUndo} title="Undo (Ctrl+Z)" onClick={() => editor.undo()}>
        Undo
      </button>
      <button type="button" disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" onClick={() => editor.redo()}>
        Redo
      </button>
      <button type="button" title="Zoom out (-)" onClick={() => editor.zoomBy(0.8)}>
        −
      </button>
      <span className="tw-zoom" aria-label="Zoom">
        {Math.round(zoom * 100)}%
      </span>
      <button type="button" title="Zoom in (+)" onClick={() => editor.zoomBy(1.25)}>
        +
      </button>
      <button type="button" title="Fit image (0)" onClick={() => editor.fitToImage()}>
        Fit
      </button>
    </div>
  );
}
