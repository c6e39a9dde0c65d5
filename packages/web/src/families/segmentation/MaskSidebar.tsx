import type { MaskEditor } from '../../editor/raster/mask-editor.ts';
import { MASK_TOOLS, type MaskToolId } from '../../editor/raster/tools/index.ts';
import { labelCaption } from '../../editor/labels.ts';
import { applicableAttributes } from '../../editor/attributes.ts';
import type { AttributeValue } from '../../editor/types.ts';
import { useMaskState, useSegments } from './use-mask-editor.ts';
import { HistoryZoomControls } from '../../workbench/HistoryZoomControls.tsx';

const TOOL_CAPTIONS: Record<MaskToolId, { caption: string; shortcut: string; hint: string }> = {
  brush: { caption: 'Brush', shortcut: 'B', hint: 'Paint with the active label' },
  eraser: { caption: 'Eraser', shortcut: 'E', hint: 'Unlabel pixels' },
  polygon: { caption: 'Polygon', shortcut: 'P', hint: 'Click points, Enter or double-click fills' },
  fill: { caption: 'Fill', shortcut: 'F', hint: 'Fill the connected area under the click' },
  superpixel: { caption: 'Superpixel', shortcut: 'S', hint: 'Fill the superpixel under the click (follows colour edges; brush size sets its size)' },
};

/** Tools, brush size, opacity, undo/redo and zoom. */
export function MaskToolbar({ editor }: { editor: MaskEditor }) {
  const toolId = useMaskState(editor, (state) => state.toolId);
  const brushSize = useMaskState(editor, (state) => state.brushSize);
  const opacity = useMaskState(editor, (state) => state.opacity);
  const canUndo = useMaskState(editor, (state) => state.canUndo);
  const canRedo = useMaskState(editor, (state) => state.canRedo);
  const zoom = useMaskState(editor, (state) => state.camera.zoom);
  return (
    <div className="tw-toolbar" role="toolbar" aria-label="Tools">
      {MASK_TOOLS.map((id) => (
        <button key={id} type="button" aria-pressed={toolId === id} title={`${TOOL_CAPTIONS[id].hint} (${TOOL_CAPTIONS[id].shortcut})`} onClick={() => editor.setTool(id)}>
          {TOOL_CAPTIONS[id].caption} <kbd>{TOOL_CAPTIONS[id].shortcut}</kbd>
        </button>
      ))}
      <label className="tw-inline-control" title="Brush size in image pixels ([ and ])">
        Size
        <input type="range" min={1} max={200} value={Math.min(brushSize, 200)} onChange={(event) => editor.setBrushSize(Number(event.target.value))} aria-label="Brush size" />
        <span className="tw-zoom">{brushSize}px</span>
      </label>
      <label className="tw-inline-control" title="Mask opacity">
        Opacity
        <input type="range" min={0} max={100} value={Math.round(opacity * 100)} onChange={(event) => editor.setOpacity(Number(event.target.value) / 100)} aria-label="Mask opacity" />
      </label>
      <span className="tw-toolbar-gap" />
      <HistoryZoomControls editor={editor} canUndo={canUndo} canRedo={canRedo} zoom={zoom} />
    </div>
  );
}

/** Label picker over the task's label tree, instance list, unlabeled counter and "fill the rest". */
export function MaskSidebar({ editor }: { editor: MaskEditor }) {
  const segments = useSegments(editor);
  const activeId = useMaskState(editor, (state) => state.activeSegmentId);
  const unlabeled = useMaskState(editor, (state) => state.unlabeled);
  const notice = useMaskState(editor, (state) => state.notice);
  const active = segments.find((segment) => segment.id === activeId);
  return (
    <aside className="tw-side">
      <fieldset className="tw-labels">
        <legend>Label</legend>
        {editor.config.labels.map((label, position) => {
          const mine = segments.filter((segment) => segment.label === label.value);
          return (
            <div key={label.value}>
              <label className="tw-label-option">
                <input type="radio" name="mask-label" checked={active?.label === label.value} onChange={() => editor.setActiveLabel(label.value)} />
                <span className="tw-swatch" style={{ background: mine[0]?.color }} />
                {labelCaption(label)}
                {label.instance && <em className="tw-hint"> (instances)</em>}
                {position < 9 && <kbd>{position + 1}</kbd>}
              </label>
              {label.instance && (
                <ul className="tw-instances" aria-label={`${label.display} instances`}>
                  {mine.map((segment, ordinal) => (
                    <li key={segment.id} aria-current={segment.id === activeId}>
                      <button type="button" onClick={() => editor.selectSegment(segment.id)}>
                        #{ordinal + 1}
                      </button>
                      <input type="color" aria-label={`Colour of ${label.display} #${ordinal + 1}`} value={segment.color} onChange={(event) => editor.recolorSegment(segment.id, event.target.value)} />
                      <button type="button" aria-label={`Delete ${label.display} #${ordinal + 1}`} onClick={() => editor.deleteSegment(segment.id)}>
                        ✕
                      </button>
                    </li>
                  ))}
                  <li>
                    <button type="button" onClick={() => editor.newInstance(label.value)} title="New instance (N)">
                      New {label.display}
                    </button>
                  </li>
                </ul>
              )}
            </div>
          );
        })}
      </fieldset>
      {active?.instance && <InstanceAttributes editor={editor} segmentId={active.id} />}
      <div className="tw-status">
        <p data-testid="unlabeled-count" className={unlabeled > 0 && !editor.config.allowUnlabeled ? 'tw-notice' : undefined}>
          {unlabeled.toLocaleString('en')} unlabeled pixel{unlabeled === 1 ? '' : 's'}
        </p>
        <button type="button" disabled={!active || unlabeled === 0} onClick={() => editor.fillUnlabeled()} title="Fill every unlabeled pixel with the active label (U)">
          Fill unlabeled with {active ? editor.segmentCaption(active) : '…'}
        </button>
        {notice && (
          <p role="status" className="tw-notice">
            {notice}
          </p>
        )}
      </div>
    </aside>
  );
}

/** The active instance's annotation_attributes answers. */
function InstanceAttributes({ editor, segmentId }: { editor: MaskEditor; segmentId: string }) {
  const segments = useSegments(editor);
  const segment = segments.find((candidate) => candidate.id === segmentId);
  if (!segment) return null;
  const definitions = applicableAttributes(editor.config.attributes, segment.label, segment.attributes);
  if (definitions.length === 0) return null;
  const set = (key: string, value: AttributeValue | undefined) => editor.setSegmentAttribute(segment.id, key, value);
  return (
    <div className="tw-attributes" aria-label="Instance attributes">
      <h3>{editor.segmentCaption(segment)}</h3>
      {definitions.map((definition) => (
        <label key={definition.key} className="tw-attribute">
          {definition.description}
          {definition.type === 'category' ? (
            <select value={String(segment.attributes[definition.key] ?? '')} onChange={(event) => set(definition.key, event.target.value || undefined)}>
              <option value="">—</option>
              {definition.choices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.display}
                </option>
              ))}
            </select>
          ) : definition.type === 'text' ? (
            <input type="text" value={String(segment.attributes[definition.key] ?? '')} onChange={(event) => set(definition.key, event.target.value || undefined)} />
          ) : (
            <input
              type="number"
              min={definition.min}
              max={definition.max}
              step={definition.step}
              value={segment.attributes[definition.key] === undefined ? '' : String(segment.attributes[definition.key])}
              onChange={(event) => set(definition.key, event.target.value === '' ? undefined : Number(event.target.value))}
            />
          )}
        </label>
      ))}
    </div>
  );
}
