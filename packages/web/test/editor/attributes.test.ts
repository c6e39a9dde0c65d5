import { describe, expect, it } from 'vitest';
import { drag, makeEditor, press } from './helpers.ts';
import { applicableAttributes, parseAttributeDefinitions } from '../../src/editor/attributes.ts';

const TASK = {
  geometries: { box: { objects_to_annotate: ['car', 'person'] } },
  annotation_attributes: {
    parked: { description: 'Is the car parked?', choices: ['Yes', 'No'], conditions: { label_condition: { label: 'car' } } },
    heading: {
      description: 'Which way is it heading?',
      choices: ['left', 'right'],
      conditions: { label_condition: { label: ['car'] }, attribute_conditions: [{ parked: 'No' }] },
    },
    speed: { type: 'number', description: 'Speed', min: 0, max: 200 },
    notes: { type: 'text', description: 'Notes' },
    weather: { description: 'Weather', choices: ['sun', 'rain'], global: true },
  },
};

describe('annotation attributes', () => {
  it('applies label and attribute conditions', () => {
    const definitions = parseAttributeDefinitions(TASK.annotation_attributes);
    const keys = (label: string, values: Record<string, string>) =>
      applicableAttributes(definitions.filter((definition) => !definition.global), label, values).map((definition) => definition.key);
    expect(keys('person', {})).toEqual(['speed', 'notes']);
    expect(keys('car', {})).toEqual(['parked', 'speed', 'notes']);
    expect(keys('car', { parked: 'No' })).toEqual(['parked', 'heading', 'speed', 'notes']);
  });

  it('reports unanswered required attributes, and not optional text ones', () => {
    const editor = makeEditor(TASK);
    drag(editor, { x: 10, y: 10 }, { x: 50, y: 50 });
    const messages = editor.validate().map((problem) => problem.message);
    expect(messages).toEqual(['box #1 (car): answer “Is the car parked?”.', 'box #1 (car): answer “Speed”.', 'Answer “Weather”.']);
  });

  it('saves only the answers whose conditions still hold after a relabel', () => {
    const editor = makeEditor(TASK);
    drag(editor, { x: 10, y: 10 }, { x: 50, y: 50 });
    const [id] = editor.store.getIds();
    editor.setAttribute(id, 'parked', 'No');
    editor.setAttribute(id, 'heading', 'left');
    editor.setAttribute(id, 'speed', 30);
    editor.setGlobalAttribute('weather', 'rain');
    expect(editor.getResponse()).toMatchObject({
      annotations: [{ label: 'car', attributes: { parked: 'No', heading: 'left', speed: 30 } }],
      global_attributes: { weather: 'rain' },
    });
    editor.setActiveLabel('box', 'person');
    expect(editor.getResponse().annotations[0]).toMatchObject({ label: 'person', attributes: { speed: 30 } });
    expect(editor.validate()).toEqual([]);
  });

  it('undoes an attribute answer', () => {
    const editor = makeEditor(TASK);
    drag(editor, { x: 10, y: 10 }, { x: 50, y: 50 });
    const [id] = editor.store.getIds();
    editor.setAttribute(id, 'speed', 30);
    press(editor, 'z', { ctrlKey: true });
    expect(editor.store.get(id)?.attributes).toEqual({});
  });

  it('flags a label that is not among objects_to_annotate', () => {
    const editor = makeEditor(TASK);
    editor.load({ annotations: [{ type: 'box', label: 'bus', left: 0, top: 0, width: 9, height: 9 }] });
    expect(editor.validate()[0].message).toBe('box #1 (bus): choose a label.');
  });

  it('flags a loaded box below the minimum size', () => {
    const editor = makeEditor({ geometries: { box: { objects_to_annotate: ['car'], min_width: 20, min_height: 20 } } });
    editor.load({ annotations: [{ type: 'box', label: 'car', left: 0, top: 0, width: 9, height: 30 }] });
    expect(editor.validate()[0].message).toMatch(/at least 20×20/);
  });
});
