import type { Editor } from '../../editor/editor.ts';
import type { ToolId } from '../../editor/tools/index.ts';
import { useEditorState } from './use-editor.ts';
import { HistoryZoomControls } from '../../workbench/HistoryZoomControls.tsx';

const TOOL_BUTTONS: Array<{ id: ToolId; caption: string; shortcut: string }> = [
  { id: 'select', caption: 'Select', shortcut: 'V' },
  { id: 'box', caption: 'Box', shortcut: 'B' },
  { id: 'polygon', caption: 'Polygon', shortcut: 'P' },
  { id: 'line', caption: 'Line', shortcut: 'L' },
  { id: 'point', caption: 'Point', shortcut: '.' },
  { id: 'ellipse', caption: 'Ellipse', shortcut: 'E' },
  { id: 'cuboid', caption: 'Cuboid', shortcut: 'C' },
  { id: 'link', caption: 'Link', shortcut: 'K' },
];

/** Tool buttons (only those the task offers), undo/redo, zoom and the shortcut help. */
export function Toolbar({ editor, onHelp }: { editor: Editor; onHelp?: () => void }) {
  const toolId = useEditorState(editor, (state) => state.toolId);
  const canUndo = useEditorState(editor, (state) => state.canUndo);
  const canRedo = useEditorState(editor, (state) => state.canRedo);
  const zoom = useEditorState(editor, (state) => state.camera.zoom);
  const enabled = new Set<string>(editor.availableTools());
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
      <HistoryZoomControls editor={editor} canUndo={canUndo} canRedo={canRedo} zoom={zoom} />
      {onHelp && (
        <button type="button" title="Keyboard shortcuts (?)" onClick={onHelp}>
          Shortcuts <kbd>?</kbd>
        </button>
      )}
    </div>
  );
}
