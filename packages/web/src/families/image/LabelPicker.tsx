import type { Editor } from '../../editor/editor.ts';
import { labelCaption } from '../../editor/labels.ts';
import { useEditorState, useSelectedIds, useShape } from './use-editor.ts';

/**
 * The labels of the geometry in focus (the selected shapes', else the current tool's). Picking one
 * sets the label for new shapes and relabels the selected ones. Keys 1–9 pick the first nine.
 */
export function LabelPicker({ editor }: { editor: Editor }) {
  const selected = useSelectedIds(editor);
  // Follow the selected shape's record too, so an undone relabel shows.
  useShape(editor, selected[0] ?? '');
  useEditorState(editor, (state) => state.toolId);
  const activeLabels = useEditorState(editor, (state) => state.activeLabels);
  const geometry = editor.focusedGeometry();
  if (!geometry) return null;
  const options = editor.labelsFor(geometry);
  if (options.length === 0) return null;
  // With shapes selected, show their label (when they share one); otherwise the label for new shapes.
  const selectedLabels = new Set(editor.getSelectedShapes().map((shape) => shape.label));
  const active = selectedLabels.size === 1 ? [...selectedLabels][0] : selectedLabels.size > 1 ? undefined : activeLabels[geometry];
  return (
    <fieldset className="tw-labels">
      <legend>{geometry} label</legend>
      {options.map((option, index) => (
        <label key={option.value} className="tw-label-option">
          <input
            type="radio"
            name={`label-${geometry}`}
            value={option.value}
            checked={active === option.value}
            onChange={() => editor.setActiveLabel(geometry, option.value)}
          />
          <span className="tw-swatch" style={{ background: editor.colorOf(option.value) }} />
          {labelCaption(option)}
          {index < 9 && <kbd>{index + 1}</kbd>}
        </label>
      ))}
    </fieldset>
  );
}
