import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateVideoParams, validateVideoSubmission, type VideoSubmission } from '@tagwright/formats';
import { LocalFileStore } from '../../src/storage/local-file-store.ts';
import { renderVideoResults } from '../../src/families/video/render.ts';
import { readStoredKeyframes } from '../../src/families/video/stored.ts';
import { videoAgreement } from '../../src/families/video/agreement.ts';
import { consensus } from '../../src/services/consensus.ts';
import { frameJsonLines, motLines } from '../../src/families/video/exports.ts';
import { readResultFile, resultFileKey } from '../../src/storage/result-files.ts';

const PARAMS = {
  attachment_type: 'video',
  attachment: 'https://cdn.example.com/clip.mp4',
  frame_rate: 10,
  geometries: { box: { objects_to_annotate: ['car', 'person'] }, point: { objects_to_annotate: ['light'] } },
  events_to_annotate: ['Turning', 'Horn'],
};

/** A car moving right over frames 2..6 (keyframes 2 and 6), and a light leaving at frame 3. */
const SUBMISSION: VideoSubmission = {
  frame_count: 8,
  tracks: [
    {
      uuid: 'car-1',
      label: 'car',
      geometry: 'box',
      keyframes: [
        { frame: 2, left: 0, top: 10, width: 20, height: 10, attributes: { moving: 'no' } },
        { frame: 6, left: 40, top: 10, width: 20, height: 30, attributes: { moving: 'yes' } },
      ],
    },
    {
      uuid: 'light-1',
      label: 'light',
      geometry: 'point',
      keyframes: [
        { frame: 0, x: 5, y: 5 },
        { frame: 3, outside: true },
        { frame: 5, x: 9, y: 9 },
      ],
    },
  ],
  events: [
    { label: 'Horn', type: 'point', start: 4 },
    { label: 'Turning', type: 'range', start: 1, end: 3 },
  ],
};

function problemOf(check: () => void): string {
  try {
    check();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

async function readAll(store: LocalFileStore, url: string): Promise<string> {
  const [folder, name] = new URL(url).pathname.split('/').slice(-2);
  const stream = await store.openRead(resultFileKey(folder, name)!);
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

describe('video params', () => {
  it('accepts a video file or a frame sequence with geometries', () => {
    validateVideoParams('videoannotation', PARAMS);
    validateVideoParams('videoannotation', { attachment_type: 'image', attachments: ['https://a/1.jpg', 'https://a/2.jpg'], geometries: PARAMS.geometries });
    validateVideoParams('videoplaybackannotation', { attachment: 'https://a/v.webm', geometries: PARAMS.geometries, hypothesis: { annotations: { url: 'https://a/h.json' } } });
  });

  it('names the parameter to fix', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['videoannotation', { attachment_type: 'image', attachment: 'https://a/v.mp4', geometries: PARAMS.geometries }, /'attachments'/],
      ['videoannotation', { attachment_type: 'image', attachments: ['https://a/1.jpg'], attachment: 'https://a/v.mp4', geometries: PARAMS.geometries }, /'attachment': must be absent/],
      ['videoannotation', { attachment_type: 'gif', attachment: 'https://a/v.mp4', geometries: PARAMS.geometries }, /'attachment_type'/],
      ['videoannotation', { attachment: 'https://a/v.mp4' }, /'geometries'/],
      ['videoannotation', { ...PARAMS, frame_rate: 0 }, /'frame_rate': expected a positive number/],
      ['videoannotation', { ...PARAMS, start_time: -1 }, /'start_time'/],
      ['videoannotation', { ...PARAMS, events_to_annotate: ['ok', ''] }, /'events_to_annotate\[1\]'/],
      ['videoplaybackannotation', { ...PARAMS, hypothesis: { url: 'https://a/h.json' } }, /'hypothesis\.annotations\.url'/],
      ['videoannotation', { ...PARAMS, layers: { boxes: [] } }, /'layers\.url'/],
    ];
    for (const [type, params, expected] of cases) assert.match(problemOf(() => validateVideoParams(type, params)), expected);
  });
});

describe('video submissions', () => {
  it('accepts keyframes inside the video', () => {
    validateVideoSubmission('videoannotation', PARAMS, structuredClone(SUBMISSION) as unknown as Record<string, unknown>);
  });

  it('answers each malformed part with a message naming it', () => {
    const broken = (change: (submission: VideoSubmission) => void) => {
      const copy = structuredClone(SUBMISSION);
      change(copy);
      return problemOf(() => validateVideoSubmission('videoannotation', PARAMS, copy as unknown as Record<string, unknown>));
    };
    assert.match(broken((s) => delete (s as Partial<VideoSubmission>).tracks), /'response\.tracks'/);
    assert.match(broken((s) => (s.frame_count = 0)), /'response\.frame_count'/);
    assert.match(broken((s) => (s.tracks[1].uuid = 'car-1')), /'response\.tracks\[1\]\.uuid': "car-1" is used by two tracks/);
    assert.match(broken((s) => (s.tracks[0].label = 'boat')), /'response\.tracks\[0\]\.label': "boat" is not one of/);
    assert.match(broken((s) => ((s.tracks[0] as { geometry: string }).geometry = 'polygon')), /'response\.tracks\[0\]\.geometry'/);
    assert.match(broken((s) => (s.tracks[0].keyframes[1].frame = 8)), /'response\.tracks\[0\]\.keyframes\[1\]\.frame': expected a frame number from 0 to 7/);
    assert.match(broken((s) => (s.tracks[0].keyframes[1].frame = 2)), /increasing frame order/);
    assert.match(broken((s) => delete s.tracks[0].keyframes[0].width), /'response\.tracks\[0\]\.keyframes\[0\]\.width': expected a number/);
    assert.match(broken((s) => (s.tracks[1].keyframes[0].outside = true)), /cannot start outside/);
    assert.match(broken((s) => (s.events![0].label = 'Siren')), /'response\.events\[0\]\.label'/);
    assert.match(broken((s) => (s.events![1].end = 0)), /'response\.events\[1\]\.end'/);
    const frames = problemOf(() =>
      validateVideoSubmission('videoannotation', { attachment_type: 'image', attachments: ['a', 'b'], geometries: PARAMS.geometries }, { frame_count: 3, tracks: [] }),
    );
    assert.match(frames, /the task has 2 frames, got 3/);
  });
});

describe('video result files', () => {
  let directory: string;
  let store: LocalFileStore;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tagwright-video-'));
    store = new LocalFileStore(directory);
  });
  after(() => rm(directory, { recursive: true, force: true }));

  it('writes every frame with interpolated geometry, absent frames left out, and the events with times', async () => {
    const response = await renderVideoResults({ files: store, publicBase: 'http://files.test', taskId: 't1' }, 'videoannotation', PARAMS, SUBMISSION);
    assert.match(response.annotations.url, /^http:\/\/files\.test\/r\/[A-Za-z0-9_-]{32}\/annotations\.json$/);
    const frames = JSON.parse(await readAll(store, response.annotations.url)) as Array<{ annotations: Array<Record<string, unknown>> }>;
    assert.equal(frames.length, 8);
    const uuids = frames.map((frame) => frame.annotations.map((annotation) => annotation.uuid).join(','));
    // The light is outside from frame 3 until its keyframe at 5; the car runs from keyframe 2 to 6.
    assert.deepEqual(uuids, ['light-1', 'light-1', 'car-1,light-1', 'car-1', 'car-1', 'car-1,light-1', 'car-1', '']);
    assert.deepEqual(frames[3].annotations[0], { uuid: 'car-1', type: 'box', label: 'car', left: 10, top: 10, width: 20, height: 15, attributes: { moving: 'no' } });
    assert.deepEqual(frames[6].annotations[0], { uuid: 'car-1', type: 'box', label: 'car', left: 40, top: 10, width: 20, height: 30, attributes: { moving: 'yes' } });
    assert.deepEqual(frames[1].annotations[0], { uuid: 'light-1', type: 'point', label: 'light', x: 5, y: 5, attributes: {} });
    const events = JSON.parse(await readAll(store, response.events!.url));
    assert.deepEqual(events, {
      events: [
        { label: 'Horn', type: 'point', start: 4, startTime: 0.4 },
        { label: 'Turning', type: 'range', start: 1, end: 3, startTime: 0.1, endTime: 0.3 },
      ],
    });
    assert.deepEqual(await readStoredKeyframes((url) => readResultFile(store, url), response), SUBMISSION);
  });

  it('writes a playback file of tracks keyed by uuid with key and timestamp per frame', async () => {
    const params = { ...PARAMS, video_frame_rate: 30 };
    const response = await renderVideoResults({ files: store, publicBase: 'http://files.test', taskId: 't2' }, 'videoplaybackannotation', params, SUBMISSION);
    const file = JSON.parse(await readAll(store, response.annotations.url));
    assert.deepEqual(Object.keys(file.annotations), ['car-1', 'light-1']);
    const car = file.annotations['car-1'];
    assert.equal(car.label, 'car');
    assert.equal(car.geometry, 'box');
    assert.deepEqual(
      car.frames.map((frame: { key: number; timestamp: number; left: number }) => [frame.key, frame.timestamp, frame.left]),
      [[6, 0.2, 0], [9, 0.3, 10], [12, 0.4, 20], [15, 0.5, 30], [18, 0.6, 40]],
    );
    assert.deepEqual(file.annotations['light-1'].frames.map((frame: { key: number }) => frame.key), [0, 3, 6, 15]);
  });

  it('writes the completed shapes with empty files in test mode', async () => {
    const response = await renderVideoResults({ files: store, publicBase: 'http://files.test', taskId: 't3' }, 'videoannotation', PARAMS, { frame_count: 0, tracks: [], events: [] });
    assert.deepEqual(JSON.parse(await readAll(store, response.annotations.url)), []);
    assert.deepEqual(JSON.parse(await readAll(store, response.events!.url)), { events: [] });
    const playback = await renderVideoResults({ files: store, publicBase: 'http://files.test', taskId: 't4' }, 'videoplaybackannotation', { ...PARAMS, events_to_annotate: [] }, { frame_count: 0, tracks: [] });
    assert.deepEqual(JSON.parse(await readAll(store, playback.annotations.url)), { annotations: {} });
    assert.equal(playback.events, undefined);
  });
});

describe('video exports and agreement', () => {
  it('writes MOT Challenge lines for box tracks, frame by frame, 1-based', () => {
    const lines = [...motLines(SUBMISSION)].join('').trim().split('\n');
    assert.deepEqual(lines, ['3,1,0,10,20,10,1,-1,-1,-1', '4,1,10,10,20,15,1,-1,-1,-1', '5,1,20,10,20,20,1,-1,-1,-1', '6,1,30,10,20,25,1,-1,-1,-1', '7,1,40,10,20,30,1,-1,-1,-1']);
  });

  it('writes one JSON line per frame that lists anything', () => {
    const lines = [...frameJsonLines('t1', SUBMISSION, PARAMS)].map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => line.frame), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(lines[2].timestamp, 0.2);
    assert.equal(lines[2].task_id, 't1');
  });

  it('matches tracks by mean IoU over frames', () => {
    assert.equal(videoAgreement(SUBMISSION, structuredClone(SUBMISSION)), 1);
    const shifted = structuredClone(SUBMISSION);
    for (const keyframe of shifted.tracks[0].keyframes) (keyframe.left as number) += 2;
    const agreement = videoAgreement(SUBMISSION, shifted);
    assert.ok(agreement > 0.9 && agreement < 1, `slightly shifted boxes agree a little less (${agreement})`);
    const missing = { ...SUBMISSION, tracks: [SUBMISSION.tracks[0]] };
    assert.ok(Math.abs(videoAgreement(SUBMISSION, missing) - 2 / 3) < 1e-9, 'a track missing on one side costs its share');
    assert.equal(videoAgreement({ frame_count: 8, tracks: [] }, { frame_count: 8, tracks: [] }), 1);
  });

  it('merges a consensus round into the medoid attempt unchanged: its keyframes are ones a labeler set, none blended', () => {
    const shiftedBy = (pixels: number) => {
      const copy = structuredClone(SUBMISSION);
      for (const keyframe of copy.tracks[0].keyframes) (keyframe.left as number) += pixels;
      return copy;
    };
    // The middle attempt agrees best with the other two; a blend of all three would put the car at +2.
    const attempts = [shiftedBy(0), shiftedBy(3), shiftedBy(6)];
    const { merged, agreement } = consensus('videoannotation', PARAMS, attempts);
    assert.deepEqual(merged, attempts[1]);
    const expected = (videoAgreement(attempts[0], attempts[1]) + 1 + videoAgreement(attempts[2], attempts[1])) / 3;
    assert.ok(Math.abs(agreement - expected) < 1e-9, `agreement is the mean agreement with the merged attempt (${agreement} vs ${expected})`);
    assert.ok(agreement < 1);
  });
});
