import { describe, expect, it } from 'vitest';
import { VideoEditor } from '../../src/editor/time/video-editor.ts';
import { editorConfigFromTask } from '../../src/editor/config.ts';
import { interpolateGeometry, lerpAngle, valueAt } from '@tagwright/formats';
import type { BoxShape, PolygonShape } from '../../src/editor/types.ts';
import { drag, press } from './helpers.ts';
import type { Editor } from '../../src/editor/editor.ts';

const VIDEO_TASK = {
  attachment_type: 'video',
  attachment: 'https://example.com/clip.mp4',
  frame_rate: 30,
  events_to_annotate: ['Turning', 'Horn'],
  geometries: { box: { objects_to_annotate: ['car', 'person'] }, polygon: { objects_to_annotate: ['road'] } },
  annotation_attributes: { moving: { type: 'category', description: 'Moving?', choices: ['yes', 'no'] } },
};

function makeVideoEditor(frameCount = 300): VideoEditor {
  const video = new VideoEditor(editorConfigFromTask('imageannotation', VIDEO_TASK), { frameCount, frameRate: 30, startTime: 0, eventLabels: ['Turning', 'Horn'] });
  video.canvas.setViewportSize({ width: 1000, height: 800 });
  video.canvas.setImageSize({ width: 1000, height: 800 });
  video.canvas.setCamera({ x: 0, y: 0, zoom: 1 });
  return video;
}

const boxOf = (video: VideoEditor, id: string) => video.canvas.store.get(id) as BoxShape | undefined;
const draw = (editor: Editor, from: { x: number; y: number }, to: { x: number; y: number }) => drag(editor, from, to);

/** Draws a box at frame 0 and moves it at frames 30 and 60: three keyframes. */
function trackedBox(video: VideoEditor): string {
  video.canvas.setTool('box');
  draw(video.canvas, { x: 100, y: 100 }, { x: 200, y: 150 });
  const id = video.tracks()[0].id;
  video.canvas.setTool('select');
  video.setFrame(30);
  drag(video.canvas, { x: 150, y: 125 }, { x: 180, y: 145 });
  video.setFrame(60);
  drag(video.canvas, { x: 180, y: 145 }, { x: 480, y: 145 });
  return id;
}

describe('keyframe interpolation', () => {
  it('interpolates box fields linearly and holds attributes of the earlier keyframe', () => {
    const a = { left: 0, top: 10, width: 100, height: 50, attributes: { moving: 'no' } };
    const b = { left: 100, top: 30, width: 50, height: 50, attributes: { moving: 'yes' } };
    expect(interpolateGeometry(a, b, 0.25)).toEqual({ left: 25, top: 15, width: 87.5, height: 50, attributes: { moving: 'no' } });
  });

  it('interpolates vertices pairwise and holds them when the vertex counts differ', () => {
    const a = { vertices: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }] };
    const b = { vertices: [{ x: 10, y: 0 }, { x: 20, y: 0 }, { x: 20, y: 20 }] };
    expect(interpolateGeometry(a, b, 0.5).vertices).toEqual([{ x: 5, y: 0 }, { x: 15, y: 0 }, { x: 15, y: 15 }]);
    const c = { vertices: [{ x: 99, y: 99 }] };
    expect(interpolateGeometry(a, c, 0.5).vertices).toEqual(a.vertices);
  });

  it('turns rotation the short way round', () => {
    const almostFull = (350 / 180) * Math.PI;
    const ten = (10 / 180) * Math.PI;
    expect((lerpAngle(almostFull, ten, 0.5) * 180) / Math.PI).toBeCloseTo(360);
  });

  it('is absent before the first keyframe and while outside, moves towards an outside keyframe, and is held past the end', () => {
    const keyframes = [
      { frame: 10, x: 0 },
      { frame: 20, x: 100 },
      { frame: 30, x: 200, outside: true },
      { frame: 40, x: 400 },
    ];
    const lerpX = (a: { frame: number; x: number }, b: { frame: number; x: number }, t: number) => ({ ...a, x: a.x + (b.x - a.x) * t });
    expect(valueAt(keyframes, 5, lerpX)).toBeNull();
    expect(valueAt(keyframes, 15, lerpX)).toEqual({ value: { frame: 10, x: 50 }, kind: 'interpolated' });
    expect(valueAt(keyframes, 20, lerpX)?.kind).toBe('keyframe');
    expect(valueAt(keyframes, 25, lerpX)).toEqual({ value: { frame: 20, x: 150 }, kind: 'interpolated' });
    expect(valueAt(keyframes, 30, lerpX)).toBeNull();
    expect(valueAt(keyframes, 39, lerpX)).toBeNull();
    expect(valueAt(keyframes, 41, lerpX)).toEqual({ value: keyframes[3], kind: 'held' });
  });
});

describe('the video editor', () => {
  it('makes a track from a drawn box and a keyframe from each move, interpolating between them', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    expect(video.tracks()).toHaveLength(1);
    expect(video.tracks()[0].keyframes.map((keyframe) => keyframe.frame)).toEqual([0, 30, 60]);
    video.setFrame(15);
    expect(boxOf(video, id)).toMatchObject({ left: 115, top: 110, width: 100, height: 50 });
    video.setFrame(45);
    expect(boxOf(video, id)).toMatchObject({ left: 280, top: 120 });
    expect(video.isHeld(id)).toBe(false);
    video.setFrame(90);
    expect(boxOf(video, id)).toMatchObject({ left: 430, top: 120 });
    expect(video.isHeld(id)).toBe(true);
  });

  it('undoes and redoes a keyframe as one step', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    expect(press(video.canvas, 'z', { ctrlKey: true })).toBe(true);
    expect(video.track(id)!.keyframes.map((keyframe) => keyframe.frame)).toEqual([0, 30]);
    expect(boxOf(video, id)).toMatchObject({ left: 130, top: 120 }); // held at frame 60 again
    video.redo();
    expect(boxOf(video, id)).toMatchObject({ left: 430, top: 120 });
  });

  it('hides an object from a frame on (outside) and brings it back where it left', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    video.setFrame(40);
    video.canvas.setSelection([id]);
    expect(video.keyDown({ key: 'o' })).toBe(true);
    expect(boxOf(video, id)).toBeUndefined();
    video.setFrame(50);
    expect(boxOf(video, id)).toBeUndefined();
    video.setFrame(39);
    expect(boxOf(video, id)).toMatchObject({ left: 130 + (300 * 9) / 30 });
    video.setFrame(50);
    video.setOutside(id, false);
    expect(boxOf(video, id)).toMatchObject({ left: 130 + (300 * 10) / 30, top: 120 });
  });

  it('splits a track into two with their own uuids, and merges them back', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    video.setFrame(45);
    const secondId = video.splitTrack(id)!;
    expect(secondId).not.toBe(id);
    const [first, second] = video.tracks();
    expect(first.keyframes.map((keyframe) => keyframe.frame)).toEqual([0, 30, 44]);
    expect(second.keyframes.map((keyframe) => keyframe.frame)).toEqual([45, 60]);
    expect(second.keyframes[0].shape).toMatchObject({ id: secondId, left: 280 });
    expect(first.keyframes[2].shape).toMatchObject({ left: 270 });
    expect(video.mergeTracks(id, secondId)).toBe(true);
    expect(video.tracks()).toHaveLength(1);
    expect(video.track(id)!.keyframes.map((keyframe) => keyframe.frame)).toEqual([0, 30, 44, 45, 60]);
    expect(video.track(id)!.keyframes.every((keyframe) => keyframe.shape.id === id)).toBe(true);
  });

  it('refuses to merge tracks of different geometries and to split at a track’s first frame', () => {
    const video = makeVideoEditor();
    const boxId = trackedBox(video);
    video.setFrame(0);
    video.canvas.setTool('polygon');
    for (const point of [{ x: 600, y: 600 }, { x: 700, y: 600 }, { x: 700, y: 700 }]) {
      video.canvas.pointerDown({ screen: point, button: 0 });
      video.canvas.pointerUp({ screen: point, button: 0 });
    }
    press(video.canvas, 'Enter');
    const polygon = video.tracks().find((track) => track.geometry === 'polygon')!;
    expect((polygon.keyframes[0].shape as PolygonShape).vertices).toHaveLength(3);
    expect(video.mergeTracks(boxId, polygon.id)).toBe(false);
    expect(video.splitTrack(boxId)).toBeUndefined();
  });

  it('keeps one label on every frame of a track when it is relabelled', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    video.setFrame(45);
    video.canvas.setSelection([id]);
    video.canvas.setActiveLabel('box', 'person');
    expect(video.track(id)!.keyframes.map((keyframe) => keyframe.shape.label)).toEqual(['person', 'person', 'person']);
    expect(video.track(id)!.keyframes).toHaveLength(3);
  });

  it('sets per-frame attributes as a keyframe that holds until the next one', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    video.setFrame(10);
    video.canvas.setAttribute(id, 'moving', 'yes');
    expect(video.track(id)!.keyframes.map((keyframe) => keyframe.frame)).toEqual([0, 10, 30, 60]);
    video.setFrame(20);
    expect(boxOf(video, id)!.attributes).toEqual({ moving: 'yes' });
    video.setFrame(5);
    expect(boxOf(video, id)!.attributes).toEqual({});
  });

  it('steps by frame and by keyframe with the arrow keys', () => {
    const video = makeVideoEditor();
    trackedBox(video);
    video.setFrame(0);
    video.keyDown({ key: 'ArrowRight' });
    expect(video.getState().frame).toBe(1);
    video.keyDown({ key: 'ArrowRight', shiftKey: true });
    expect(video.getState().frame).toBe(30);
    video.keyDown({ key: 'ArrowRight', shiftKey: true });
    expect(video.getState().frame).toBe(60);
    video.keyDown({ key: 'ArrowLeft', shiftKey: true });
    expect(video.getState().frame).toBe(30);
    video.keyDown({ key: 'End' });
    expect(video.getState().frame).toBe(299);
  });

  it('copies the previous frame’s shapes onto tracks that ended there', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    video.setFrame(61);
    expect(video.copyPreviousFrame()).toBe(1);
    expect(video.track(id)!.keyframes.map((keyframe) => keyframe.frame)).toEqual([0, 30, 60, 61]);
  });

  it('hides and locks tracks: hidden ones leave the canvas, locked ones cannot be picked', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    video.toggleLocked(id);
    expect(video.canvas.shapeAt({ x: 450, y: 140 })).toBeUndefined();
    video.toggleLocked(id);
    expect(video.canvas.shapeAt({ x: 450, y: 140 })?.id).toBe(id);
    video.toggleHidden(id);
    expect(boxOf(video, id)).toBeUndefined();
  });

  it('marks point and range events on the timeline', () => {
    const video = makeVideoEditor();
    video.setFrame(8);
    video.addPointEvent('Horn');
    video.setFrame(3);
    expect(video.toggleRangeEvent('Turning')).toBeUndefined();
    expect(video.validate().map((problem) => problem.message)).toEqual(['The “Turning” range started at frame 3 has no end yet.']);
    video.setFrame(10);
    video.toggleRangeEvent('Turning');
    expect(video.getDraft().events.map(({ label, type, start, end }) => ({ label, type, start, end }))).toEqual([
      { label: 'Horn', type: 'point', start: 8, end: undefined },
      { label: 'Turning', type: 'range', start: 3, end: 10 },
    ]);
  });

  it('saves keyframes only and loads them back with the same uuids', () => {
    const video = makeVideoEditor();
    const id = trackedBox(video);
    video.renameTrack(id, 'red car');
    const draft = video.getDraft();
    expect(draft.frame_count).toBe(300);
    expect(draft.tracks).toEqual([
      {
        uuid: id,
        label: 'car',
        geometry: 'box',
        name: 'red car',
        keyframes: [
          { frame: 0, left: 100, top: 100, width: 100, height: 50, attributes: {} },
          { frame: 30, left: 130, top: 120, width: 100, height: 50, attributes: {} },
          { frame: 60, left: 430, top: 120, width: 100, height: 50, attributes: {} },
        ],
      },
    ]);
    const reloaded = makeVideoEditor(10);
    expect(reloaded.load(draft)).toEqual({ loaded: 1, skipped: 0 });
    expect(reloaded.getState().frameCount).toBe(300);
    reloaded.setFrame(15);
    expect(boxOf(reloaded, id)).toMatchObject({ left: 115, top: 110 });
    expect(reloaded.getState().canUndo).toBe(false);
  });
});

describe('links between tracks', () => {
  const LINK_TASK = {
    attachment_type: 'video',
    attachment: 'https://example.com/clip.mp4',
    frame_rate: 30,
    geometries: { box: { objects_to_annotate: ['rider', 'bike'] } },
    links: { rides: { is_bidirectional: false, from_allowed_labels: ['rider'], to_allowed_labels: ['bike'] } },
    annotation_attributes: { same_as: { type: 'linked', description: 'Same object as', allowed_labels: ['bike'] } },
  };
  const box = (frame: number, left: number, attributes: Record<string, unknown> = {}) => ({ frame, left, top: 10, width: 20, height: 20, attributes });
  /** A rider on frames 0-50 linked to bike A (10-50); bike B on 0-50; the rider's answer names bike A at both its keyframes. */
  const DRAFT = {
    frame_count: 100,
    tracks: [
      { uuid: 'rider', label: 'rider', geometry: 'box', keyframes: [box(0, 0, { same_as: 'bike-a' }), box(50, 50, { same_as: 'bike-a' })] },
      { uuid: 'bike-a', label: 'bike', geometry: 'box', keyframes: [box(10, 100), box(50, 150)] },
      { uuid: 'bike-b', label: 'bike', geometry: 'box', keyframes: [box(0, 300), box(50, 350)] },
    ],
    events: [],
    links: [{ uuid: 'link-1', label: 'rides', from: 'rider', to: 'bike-a' }],
  };

  function linkEditor(): VideoEditor {
    const video = new VideoEditor(editorConfigFromTask('imageannotation', LINK_TASK), { frameCount: 100, frameRate: 30, startTime: 0, eventLabels: [] });
    video.canvas.setViewportSize({ width: 1000, height: 800 });
    video.canvas.setImageSize({ width: 1000, height: 800 });
    video.canvas.setCamera({ x: 0, y: 0, zoom: 1 });
    return video;
  }
  const answersOf = (video: VideoEditor, id: string) => video.track(id)!.keyframes.map((keyframe) => keyframe.shape.attributes.same_as);

  it('takes the link tool with I while K stays play/pause', () => {
    const video = linkEditor();
    video.load(DRAFT);
    expect(video.keyDown({ key: 'i' })).toBe(true);
    expect(video.canvas.getState().toolId).toBe('link');
    expect(video.keyDown({ key: 'k' })).toBe(true);
    expect(video.getState().playing).toBe(true);
    expect(video.canvas.getState().toolId).toBe('link');
    video.keyDown({ key: 'K' });
    expect(video.getState().playing).toBe(false);
  });

  it('shows a link on the frames where both tracks are, draws new ones with the frame editor, saves them, and undoes them', () => {
    const video = linkEditor();
    video.load(DRAFT);
    expect(video.canvas.links.getIds()).toEqual([]);
    video.setFrame(20);
    expect(video.canvas.links.getAll().map((link) => [link.from, link.to])).toEqual([['rider', 'bike-a']]);
    expect(video.canvas.addLink('rider', 'bike-b')).toBeDefined();
    expect(video.links().map((link) => link.to)).toEqual(['bike-a', 'bike-b']);
    expect(video.getDraft().links.map(({ label, from, to }) => ({ label, from, to }))).toEqual([
      { label: 'rides', from: 'rider', to: 'bike-a' },
      { label: 'rides', from: 'rider', to: 'bike-b' },
    ]);
    video.setFrame(5);
    expect(video.canvas.links.getAll().map((link) => link.to)).toEqual(['bike-b']);
    // Deleting a link in the frame's links panel removes it from the track pair, on every frame.
    video.canvas.removeLink(video.canvas.links.getIds()[0]);
    expect(video.links().map((link) => link.to)).toEqual(['bike-a']);
    video.undo();
    expect(video.links().map((link) => link.to)).toEqual(['bike-a', 'bike-b']);
    video.undo();
    expect(video.links().map((link) => link.to)).toEqual(['bike-a']);
  });

  it('deleting a track deletes its links and the answers naming it on every keyframe, in one undo step', () => {
    const video = linkEditor();
    video.load(DRAFT);
    video.deleteTrack('bike-a');
    expect(video.links()).toEqual([]);
    expect(answersOf(video, 'rider')).toEqual([undefined, undefined]);
    video.undo();
    expect(video.links()).toHaveLength(1);
    expect(answersOf(video, 'rider')).toEqual(['bike-a', 'bike-a']);
    // Deleted on the canvas (Delete on the selected shape): the same, and no keyframe is added to the rider.
    video.setFrame(20);
    video.canvas.setSelection(['bike-a']);
    press(video.canvas, 'Delete');
    expect(video.track('bike-a')).toBeUndefined();
    expect(video.links()).toEqual([]);
    expect(video.track('rider')!.keyframes.map((keyframe) => keyframe.frame)).toEqual([0, 50]);
    expect(answersOf(video, 'rider')).toEqual([undefined, undefined]);
  });

  it('merging a track into another re-points its links and the answers naming it', () => {
    const video = linkEditor();
    video.load(DRAFT);
    expect(video.mergeTracks('bike-b', 'bike-a')).toBe(true);
    expect(video.links().map(({ from, to }) => [from, to])).toEqual([['rider', 'bike-b']]);
    expect(answersOf(video, 'rider')).toEqual(['bike-b', 'bike-b']);
  });
});
