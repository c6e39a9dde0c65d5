import { describe, expect, it } from 'vitest';
import { click, drag, makeEditor, press } from './helpers.ts';

const SKELETON = {
  geometries: {
    box: { objects_to_annotate: ['person', 'priceTag'] },
    point: {
      objects_to_annotate: ['head', 'hand'],
      connections: [{ pair: ['head', 'hand'], connection_attribute: 'linked_person' }],
    },
  },
  annotation_attributes: {
    linked_person: { type: 'linked', description: 'Which person is this keypoint on?', allowed_labels: ['person'], required: true },
  },
  links: [{ holds: { is_bidirectional: false, from_allowed_labels: ['person'], to_allowed_labels: ['priceTag'] } }],
};

/** Two people (boxes), and a head and a hand point for each, all linked to their person. */
function twoPeople() {
  const editor = makeEditor(SKELETON);
  editor.load({
    annotations: [
      { uuid: 'p1', type: 'box', label: 'person', left: 0, top: 0, width: 100, height: 200 },
      { uuid: 'p2', type: 'box', label: 'person', left: 300, top: 0, width: 100, height: 200 },
      { uuid: 'h1', type: 'point', label: 'head', x: 50, y: 20, attributes: { linked_person: 'p1' } },
      { uuid: 'w1', type: 'point', label: 'hand', x: 10, y: 100, attributes: { linked_person: 'p1' } },
      { uuid: 'h2', type: 'point', label: 'head', x: 350, y: 20, attributes: { linked_person: 'p2' } },
      { uuid: 'w2', type: 'point', label: 'hand', x: 390, y: 100, attributes: { linked_person: 'p2' } },
    ],
  });
  return editor;
}

describe('keypoints drawn as a skeleton (point connections)', () => {
  it('connects only points whose connection attribute targets the same person', () => {
    const segments = twoPeople().skeleton();
    expect(segments.map((segment) => `${segment.fromId}-${segment.toId}`).sort()).toEqual(['h1-w1', 'h2-w2']);
    expect(segments.find((segment) => segment.fromId === 'h1')).toMatchObject({ x1: 50, y1: 20, x2: 10, y2: 100 });
  });

  it('connects every head to every hand when the pair has no connection attribute', () => {
    const editor = makeEditor({ geometries: { point: { objects_to_annotate: ['head', 'hand'], connections: [{ pair: ['head', 'hand'] }] } } });
    press(editor, '1');
    click(editor, { x: 10, y: 10 });
    press(editor, 'Escape'); // otherwise 2 would relabel the point just placed
    press(editor, '2');
    click(editor, { x: 20, y: 40 });
    expect(editor.skeleton()).toHaveLength(1);
    // Nothing of the skeleton is saved: points stay points.
    expect(editor.getResponse().annotations.map((annotation) => annotation.type)).toEqual(['point', 'point']);
  });

  it('follows a dragged keypoint and leaves out hidden ones', () => {
    const editor = twoPeople();
    press(editor, 'v');
    drag(editor, { x: 50, y: 20 }, { x: 60, y: 30 });
    expect(editor.skeleton().find((segment) => segment.fromId === 'h1')).toMatchObject({ x1: 60, y1: 30 });
    editor.setHidden(['w2'], true);
    expect(editor.skeleton().map((segment) => segment.fromId)).toEqual(['h1']);
  });
});

describe('linked attributes', () => {
  it('blocks submit while a required link is missing and names it', () => {
    const editor = twoPeople();
    editor.setAttribute('w2', 'linked_person', undefined);
    expect(editor.validate().map((problem) => problem.message)).toContainEqual(expect.stringMatching(/point .*\(hand\): link “Which person is this keypoint on\?”/));
  });

  it('picks the target by clicking an allowed annotation; others are not selectable', () => {
    const editor = twoPeople();
    editor.setAttribute('w2', 'linked_person', undefined);
    expect(editor.linkTargets('w2', 'linked_person').map((shape) => shape.id)).toEqual(['p1', 'p2']);
    editor.beginPickingTarget('w2', 'linked_person');
    click(editor, { x: 200, y: 300 }); // nothing there
    expect(editor.store.get('w2')!.attributes.linked_person).toBeUndefined();
    expect(editor.getState().notice).toMatch(/not an annotation this attribute may link to/);
    click(editor, { x: 350, y: 150 }); // inside p2
    expect(editor.store.get('w2')!.attributes.linked_person).toBe('p2');
    expect(editor.getState().picking).toBeNull();
  });

  it('drops the attribute (the key disappears) when its target is deleted, and undo brings both back', () => {
    const editor = twoPeople();
    editor.setSelection(['p1']);
    press(editor, 'Delete');
    expect(editor.store.get('h1')!.attributes).not.toHaveProperty('linked_person');
    const saved = editor.getResponse().annotations.find((annotation) => annotation.uuid === 'h1')!;
    expect(saved.attributes).toEqual({});
    editor.undo();
    expect(editor.store.get('p1')).toBeDefined();
    expect(editor.store.get('h1')!.attributes.linked_person).toBe('p1');
  });

  it('saves the target uuid under attributes', () => {
    const saved = twoPeople().getResponse().annotations.find((annotation) => annotation.uuid === 'w2')!;
    expect(saved.attributes).toEqual({ linked_person: 'p2' });
  });
});

describe('links between annotations', () => {
  function shop() {
    const editor = twoPeople();
    editor.load({
      annotations: [
        { uuid: 'p1', type: 'box', label: 'person', left: 0, top: 0, width: 100, height: 100 },
        { uuid: 't1', type: 'box', label: 'priceTag', left: 200, top: 0, width: 50, height: 50 },
        { uuid: 't2', type: 'box', label: 'priceTag', left: 400, top: 0, width: 50, height: 50 },
      ],
    });
    return editor;
  }

  it('draws a link with the link tool: source, then an allowed target', () => {
    const editor = shop();
    expect(press(editor, 'i')).toBe(true);
    expect(editor.getState().toolId).toBe('link');
    click(editor, { x: 220, y: 20 }); // a price tag cannot start a "holds" link
    expect(editor.getState().toolState).toBe('link.idle');
    click(editor, { x: 50, y: 50 });
    expect(editor.getState().toolState).toBe('link.choosing-target');
    click(editor, { x: 220, y: 20 });
    const response = editor.getResponse();
    expect(response.links).toEqual([{ uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), label: 'holds', from: 'p1', to: 't1' }]);
  });

  it('refuses a target the link type does not allow (direction matters unless bidirectional)', () => {
    const editor = shop();
    expect(editor.addLink('t1', 'p1')).toBeUndefined();
    expect(editor.addLink('p1', 't2')).toBeDefined();
    expect(editor.getResponse().links).toHaveLength(1);
  });

  it('deletes the links of a deleted annotation in the same undo step, and deletes a link alone', () => {
    const editor = shop();
    const first = editor.addLink('p1', 't1')!;
    editor.addLink('p1', 't2');
    editor.setSelection(['t2']);
    press(editor, 'Delete');
    expect(editor.getResponse().links!.map((link) => link.to)).toEqual(['t1']);
    editor.undo();
    expect(editor.getResponse().links).toHaveLength(2);
    editor.removeLink(first.id);
    expect(editor.getResponse().links!.map((link) => link.to)).toEqual(['t2']);
  });

  it('reads links back from a draft, dropping those that point at missing annotations', () => {
    const editor = shop();
    editor.load({
      annotations: [
        { uuid: 'p1', type: 'box', label: 'person', left: 0, top: 0, width: 100, height: 100 },
        { uuid: 't1', type: 'box', label: 'priceTag', left: 200, top: 0, width: 50, height: 50 },
      ],
      links: [
        { uuid: 'l1', label: 'holds', from: 'p1', to: 't1' },
        { uuid: 'l2', label: 'holds', from: 'p1', to: 'gone' },
      ],
    });
    expect(editor.getResponse().links).toEqual([{ uuid: 'l1', label: 'holds', from: 'p1', to: 't1' }]);
  });
});
