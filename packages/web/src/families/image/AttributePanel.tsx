import type { Editor } from '../../editor/editor.ts';
import { applicableAttributes, type AttributeDefinition } from '../../editor/attributes.ts';
import type { AttributeValue } from '../../editor/types.ts';
import { useEditorState, useSelectedIds, useShape, useShapeIds } from './use-editor.ts';

/** The selected shape's label and attribute questions (only those whose conditions hold). */
export function AttributePanel({ editor }: { editor: Editor }) {
  const selected = useSelectedIds(editor);
  if (selected.length === 0) return <p className="tw-hint">Select a shape to see its attributes.</p>;
  if (selected.length > 1) {
    return (
      <div className="tw-attributes">
        <p>{selected.length} shapes selected.</p>
        <button type="button" onClick={() => editor.deleteSelected()}>
          Delete selected
        </button>
      </div>
    );
  }
  return <ShapeAttributes editor={editor} id={selected[0]} />;
}

function ShapeAttributes({ editor, id }: { editor: Editor; id: string }) {
  const shape = useShape(editor, id);
  if (!shape) return null;
  const definitions = applicableAttributes(
    editor.config.attributes.filter((definition) => !definition.global),
    shape.label,
    shape.attributes,
  );
  return (
    <div className="tw-attributes" data-testid="attribute-panel">
      <p>
        <strong>{shape.type}</strong> · {editor.labelCaptionOf(shape)}
      </p>
      {!editor.canEditAttributes(shape) && <p className="tw-hint">{editor.isLocked(id) ? 'Locked (Shift+L unlocks).' : 'Given with the task; it cannot be changed.'}</p>}
      <fieldset disabled={!editor.canEditAttributes(shape)} className="tw-attribute-fields">
        {definitions.map((definition) =>
          definition.type === 'linked' ? (
            <LinkedAttributeInput key={definition.key} editor={editor} shapeId={id} definition={definition} value={shape.attributes[definition.key]} />
          ) : (
            <AttributeInput
              key={definition.key}
              definition={definition}
              value={shape.attributes[definition.key]}
              onChange={(value) => editor.setAttribute(id, definition.key, value)}
            />
          ),
        )}
      </fieldset>
      <button type="button" disabled={!editor.canDelete(shape)} onClick={() => editor.deleteSelected()}>
        Delete <kbd>Del</kbd>
      </button>
    </div>
  );
}

/**
 * A `linked` attribute: the annotation it points at, chosen from a list of the allowed ones or by
 * clicking it on the image; clearing it removes the key from the response.
 */
function LinkedAttributeInput({ editor, shapeId, definition, value }: { editor: Editor; shapeId: string; definition: AttributeDefinition; value: AttributeValue | undefined }) {
  useShapeIds(editor);
  const picking = useEditorState(editor, (state) => state.picking);
  const targets = editor.linkTargets(shapeId, definition.key);
  const ids = editor.store.getIds();
  const caption = `${definition.description}${definition.required ? ' *' : ''}`;
  const waiting = picking?.shapeId === shapeId && picking.key === definition.key;
  return (
    <label className="tw-attribute" data-attribute={definition.key}>
      {caption}
      <select value={typeof value === 'string' ? value : ''} onChange={(event) => editor.setAttribute(shapeId, definition.key, event.target.value || undefined)}>
        <option value="">(not linked)</option>
        {targets.map((target) => (
          <option key={target.id} value={target.id}>
            #{ids.indexOf(target.id) + 1} {editor.labelCaptionOf(target)}
          </option>
        ))}
      </select>
      <button type="button" aria-pressed={waiting} onClick={() => (waiting ? editor.escape() : editor.beginPickingTarget(shapeId, definition.key))}>
        {waiting ? 'Cancel picking' : 'Pick on the image'}
      </button>
    </label>
  );
}

/** Task-level questions (`global: true` attributes). */
export function GlobalAttributePanel({ editor }: { editor: Editor }) {
  const values = useEditorState(editor, (state) => state.globalAttributes);
  const definitions = applicableAttributes(
    editor.config.attributes.filter((definition) => definition.global),
    '',
    values,
  );
  if (definitions.length === 0) return null;
  return (
    <div className="tw-attributes">
      <p>
        <strong>Whole image</strong>
      </p>
      {definitions.map((definition) => (
        <AttributeInput
          key={definition.key}
          definition={definition}
          value={values[definition.key]}
          onChange={(value) => editor.setGlobalAttribute(definition.key, value)}
        />
      ))}
    </div>
  );
}

/** One attribute question as a form control suited to its type. */
export function AttributeInput({
  definition,
  value,
  onChange,
}: {
  definition: AttributeDefinition;
  value: AttributeValue | undefined;
  onChange: (value: AttributeValue | undefined) => void;
}) {
  const caption = `${definition.description}${definition.required ? ' *' : ''}`;
  if (definition.type === 'category') {
    const chosen = Array.isArray(value) ? value : value === undefined ? [] : [String(value)];
    return (
      <fieldset className="tw-attribute" data-attribute={definition.key}>
        <legend>{caption}</legend>
        {definition.choices.map((choice) => (
          <label key={choice.value}>
            <input
              type={definition.allowMultiple ? 'checkbox' : 'radio'}
              name={`attribute-${definition.key}`}
              checked={chosen.includes(choice.value)}
              onChange={(event) => {
                if (!definition.allowMultiple) return onChange(choice.value);
                const next = event.target.checked ? [...chosen, choice.value] : chosen.filter((item) => item !== choice.value);
                onChange(next.length > 0 ? next : undefined);
              }}
            />
            {choice.display}
          </label>
        ))}
      </fieldset>
    );
  }
  if (definition.type === 'text') {
    return (
      <label className="tw-attribute" data-attribute={definition.key}>
        {caption}
        <textarea value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.target.value || undefined)} />
      </label>
    );
  }
  // number and angle
  return (
    <label className="tw-attribute" data-attribute={definition.key}>
      {caption}
      <input
        type="number"
        min={definition.min}
        max={definition.max}
        step={definition.step ?? 1}
        value={typeof value === 'number' ? value : ''}
        onChange={(event) => {
          const number = event.target.valueAsNumber;
          onChange(Number.isFinite(number) ? number : undefined);
        }}
      />
    </label>
  );
}
