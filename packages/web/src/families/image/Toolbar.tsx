import type { Editor } from '../../editor/editor.ts';
import type { ToolId } from '../../editor/tools/index.ts';
import { TOOL_KEYS } from '../../editor/shortcuts.ts';
import { useEditorState } from './use-editor.ts';
import { HistoryZoomControls } from '../../workbench/HistoryZoomControls.tsx';

const CAPTIONS: Record<ToolId, string> = { select: 'Select', box: 'Box', polygon: 'Polygon', line: 'Line', point: 'Point', ellipse: 'Ellipse', cuboid: 'Cuboid', link: 'Link' };

/** The shortcut letters come from the editor's key table, so a button never shows a key the editor does not use. */
const TOOL_BUTTONS: Array<{ id: ToolId; caption: string; shortcut: string }> = TOOL_KEYS.map(({ tool, shown }) => ({ id: tool, caption: CAPTIONS[tool], shortcut: shown }));

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
