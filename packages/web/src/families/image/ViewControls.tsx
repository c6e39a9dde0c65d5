import type { Editor, ViewOptions } from '../../editor/editor.ts';
import { useEditorState } from './use-editor.ts';

/** Brightness, contrast and fill opacity sliders, and the label/fill toggles (also on T and F). */
export function ViewControls({ editor }: { editor: Editor }) {
  const view = useEditorState(editor, (state) => state.view);
  const slider = (key: 'brightness' | 'contrast', caption: string) => (
    <label className="tw-slider">
      {caption} <output>{view[key]}%</output>
      <input type="range" min={20} max={300} step={5} value={view[key]} onChange={(event) => editor.setView({ [key]: Number(event.target.value) } as Partial<ViewOptions>)} />
    </label>
  );
  return (
    <details className="tw-view-controls">
      <summary>View</summary>
      {slider('brightness', 'Brightness')}
      {slider('contrast', 'Contrast')}
      <label className="tw-slider">
        Fill opacity <output>{Math.round(view.fillOpacity * 100)}%</output>
        <input type="range" min={0} max={0.8} step={0.05} value={view.fillOpacity} onChange={(event) => editor.setView({ fillOpacity: Number(event.target.value) })} />
      </label>
      <label className="tw-choice">
        <input type="checkbox" checked={view.showFill} onChange={(event) => editor.setView({ showFill: event.target.checked })} /> Fill shapes <kbd>F</kbd>
      </label>
      <label className="tw-choice">
        <input type="checkbox" checked={view.showLabels} onChange={(event) => editor.setView({ showLabels: event.target.checked })} /> Labels on the image <kbd>T</kbd>
      </label>
      <label className="tw-choice">
        <input type="checkbox" checked={view.showAttributes} onChange={(event) => editor.setView({ showAttributes: event.target.checked })} /> Attributes in labels <kbd>Shift+T</kbd>
      </label>
      <label className="tw-choice">
        <input type="checkbox" checked={view.hideAll} onChange={(event) => editor.setView({ hideAll: event.target.checked })} /> Hide all objects <kbd>Shift+H</kbd>
      </label>
      <button type="button" onClick={() => editor.setView({ brightness: 100, contrast: 100, fillOpacity: 0.15 })}>
        Reset
      </button>
    </details>
  );
}
