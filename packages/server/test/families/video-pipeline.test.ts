/**
 * A video task through the pipeline over HTTP, on each database: a labeler submits keyframes, the
 * MOT and per-frame JSON exports list every frame with the geometry this test interpolates itself,
 * and a dashboard fix writes a new folder while `prior_responses` keep the old files. The
 * annotation file is written before the completing transaction, not while it holds the database.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, useTestServer } from '../helpers/server.ts';
import { readTar } from '../import-export/helpers.ts';
import { addWorkers, assign, createProject, createTask, getTask, next, submit, unique } from '../queue/helpers.ts';

type Box = { left: number; top: number; width: number; height: number };
type BoxKeyframe = Box & { frame: number; attributes?: Record<string, unknown> };

const FRAME_RATE = 10;
const FRAME_COUNT = 40;

/** Two cars: one keyed at 0, 12 and 30; one from 5 to 20. A point track that MOT leaves out. */
function submission(firstCarLeftAt12 = 60) {
  return {
    frame_count: FRAME_COUNT,
    tracks: [
      {
        uuid: 'car-a',
        label: 'car',
        geometry: 'box',
        keyframes: [
          { frame: 0, left: 0, top: 10, width: 30, height: 20, attributes: {} },
          { frame: 12, left: firstCarLeftAt12, top: 13, width: 33, height: 20, attributes: {} },
          { frame: 30, left: 150, top: 40, width: 25, height: 25, attributes: {} },
        ],
      },
      {
        uuid: 'car-b',
        label: 'car',
        geometry: 'box',
        keyframes: [
          { frame: 5, left: 200, top: 100, width: 40, height: 30, attributes: {} },
          { frame: 20, left: 170, top: 107, width: 47, height: 33, attributes: {} },
        ],
      },
      { uuid: 'light', label: 'light', geometry: 'point', keyframes: [{ frame: 2, x: 5, y: 5 }, { frame: 4, x: 9, y: 7 }] },
    ],
    events: [],
  };
}

/** The box at `frame` by linear interpolation in hundredths of a pixel (task-types §4.4), or null outside its keyframes. */
function boxAt(keyframes: BoxKeyframe[], frame: number): Box | null {
  if (frame < keyframes[0].frame || frame > keyframes[keyframes.length - 1].frame) return null;
  const right = keyframes.findIndex((keyframe) => keyframe.frame >= frame);
  const b = keyframes[right];
  const a = b.frame === frame ? b : keyframes[right - 1];
  const t = b.frame === frame ? 0 : (frame - a.frame) / (b.frame - a.frame);
  const at = (key: keyof Box) => Math.round((a[key] + (b[key] - a[key]) * t) * 100) / 100;
  return { left: at('left'), top: at('top'), width: at('width'), height: at('height') };
}

/** gt.txt as the MOT Challenge writes it, from this test's own interpolation: frames 1-based, ids 1.. in track order. */
function expectedMot(response: ReturnType<typeof submission>): string {
  const boxes = response.tracks.filter((track) => track.geometry === 'box') as Array<{ keyframes: BoxKeyframe[] }>;
  let text = '';
  for (let frame = 0; frame < FRAME_COUNT; frame++) {
    boxes.forEach((track, index) => {
      const box = boxAt(track.keyframes, frame);
      if (box) text += `${frame + 1},${index + 1},${box.left},${box.top},${box.width},${box.height},1,-1,-1,-1\n`;
    });
  }
  return text;
}

function expectedFrameLines(taskId: string, response: ReturnType<typeof submission>): unknown[] {
  const lines: unknown[] = [];
  for (let frame = 0; frame < FRAME_COUNT; frame++) {
    const annotations: unknown[] = [];
    for (const track of response.tracks) {
      if (track.geometry === 'box') {
        const box = boxAt(track.keyframes as BoxKeyframe[], frame);
        if (box) annotations.push({ uuid: track.uuid, type: 'box', label: track.label, ...box, attributes: {} });
      } else if (frame >= 2 && frame <= 4) {
        const t = (frame - 2) / 2;
        annotations.push({ uuid: track.uuid, type: 'point', label: track.label, x: 5 + 4 * t, y: 5 + 2 * t, attributes: {} });
      }
    }
    if (annotations.length > 0) lines.push({ task_id: taskId, frame, timestamp: frame / FRAME_RATE, annotations });
  }
  return lines;
}

async function exported(server: ReturnType<typeof useTestServer>['current'], format: string, project: string): Promise<Response> {
  const answer = await fetch(`${server.url}/app/api/exports/tasks?format=${format}&project=${project}`, { headers: { authorization: `Bearer ${LIVE_KEY}` } });
  assert.equal(answer.status, 200, format);
  return answer;
}

describeEachDatabase('a finished video task: exports and a dashboard fix', (dialect) => {
  const server = useTestServer(dialect);

  it('exports MOT lines and per-frame JSON equal to the keyframes interpolated, and keeps the old files when a fix writes new ones', async () => {
    const project = unique('video-pipeline');
    await createProject(server.current, { type: 'videoannotation', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const params = {
      project,
      attachment: 'https://cdn.example.com/clip.webm',
      frame_rate: FRAME_RATE,
      duration_time: FRAME_COUNT / FRAME_RATE,
      geometries: { box: { objects_to_annotate: ['car'] }, point: { objects_to_annotate: ['light'] } },
    };
    const task = await createTask(server.current, 'videoannotation', params);
    const labeled = submission();
    assert.equal(await submit(server.current, labeler, await next(server.current, labeler), labeled), 'completed');

    const completed = await getTask(server.current, task.task_id);
    assert.equal(completed.status, 'completed');
    const firstFile = completed.response.annotations.url as string;

    const mot = readTar(Buffer.from(await (await exported(server.current, 'mot', project)).arrayBuffer()));
    assert.equal(mot.get(`${task.task_id}/gt/gt.txt`)!.toString(), expectedMot(labeled));
    assert.match(mot.get(`${task.task_id}/seqinfo.ini`)!.toString(), new RegExp(`frameRate=${FRAME_RATE}\\nseqLength=${FRAME_COUNT}\\n`));
    const frames = (await (await exported(server.current, 'video-frames', project)).text()).trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(frames, expectedFrameLines(task.task_id, labeled));

    // A manager fixes the first car's middle keyframe from the dashboard.
    const fixedResponse = submission(90);
    const fix = await server.current.request('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { body: { result: 'fixed', response: fixedResponse, comments: 'car a was further right' } });
    assert.equal(fix.status, 200, fix.text);
    const fixed = await getTask(server.current, task.task_id);
    assert.equal(fixed.customer_review_status, 'fixed');
    const newFile = fixed.response.annotations.url as string;
    assert.notEqual(new URL(newFile).pathname.split('/')[2], new URL(firstFile).pathname.split('/')[2], 'the fix is written to a new folder');
    assert.deepEqual(fixed.prior_responses, [completed.response], 'prior_responses keep the labeler’s URLs');
    const oldFrames = (await (await fetch(firstFile)).json()) as Array<{ annotations: Array<Box & { uuid: string }> }>;
    const newFrames = (await (await fetch(newFile)).json()) as Array<{ annotations: Array<Box & { uuid: string }> }>;
    assert.equal(oldFrames[12].annotations.find((annotation) => annotation.uuid === 'car-a')!.left, 60, 'the old file still holds the labeler’s keyframe');
    assert.equal(newFrames[12].annotations.find((annotation) => annotation.uuid === 'car-a')!.left, 90);
    assert.equal(newFrames[6].annotations.find((annotation) => annotation.uuid === 'car-a')!.left, 45);

    const motAfterFix = readTar(Buffer.from(await (await exported(server.current, 'mot', project)).arrayBuffer()));
    assert.equal(motAfterFix.get(`${task.task_id}/gt/gt.txt`)!.toString(), expectedMot(fixedResponse), 'exports follow the fix');
  });

  it('answers a dashboard fix of a video task that is not a keyframe submission with a 400 naming the problem', async () => {
    const project = unique('video-fix-check');
    await createProject(server.current, { type: 'videoannotation', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, 'videoannotation', { project, attachment: 'https://cdn.example.com/clip.webm', frame_rate: FRAME_RATE, duration_time: 4, geometries: { box: { objects_to_annotate: ['car'] } } });
    await submit(server.current, labeler, await next(server.current, labeler), { frame_count: FRAME_COUNT, tracks: [], events: [] });
    const broken = { frame_count: FRAME_COUNT, tracks: [{ uuid: 'x', label: 'boat', geometry: 'box', keyframes: [{ frame: 0, left: 0, top: 0, width: 5, height: 5 }] }] };
    const fix = await server.current.request('POST', `/app/api/dashboard/tasks/${task.task_id}/audit`, { body: { result: 'fixed', response: broken } });
    assert.equal(fix.status, 400, fix.text);
    assert.match(fix.body.error, /'response\.tracks\[0\]\.label': "boat"/);
    assert.equal((await getTask(server.current, task.task_id)).customer_review_status, undefined);
  });

  // Were the file written inside the transaction, the create below would wait for it forever on
  // SQLite: the timeout turns that hang into a failure.
  it('writes the annotation file before the completing transaction: other writes go on while it is written, and the completion is stored after it', { timeout: 120_000 }, async () => {
    const project = unique('video-render-outside');
    await createProject(server.current, { type: 'videoannotation', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const params = { project, attachment: 'https://cdn.example.com/clip.webm', frame_rate: FRAME_RATE, duration_time: FRAME_COUNT / FRAME_RATE, geometries: { box: { objects_to_annotate: ['car'] }, point: { objects_to_annotate: ['light'] } } };
    const task = await createTask(server.current, 'videoannotation', params);

    // The file store holds the first result file's write (the annotation file) until the test lets it finish.
    const store = server.current.server.services.resultFiles;
    const put = store.put.bind(store);
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let held = false;
    store.put = async (key, body, options) => {
      if (!held) {
        held = true;
        started();
        await finished;
      }
      return put(key, body, options);
    };
    try {
      const submitted = submit(server.current, labeler, await next(server.current, labeler), submission());
      await writing;
      // With the file half written, the database takes other writes (SQLite has one writer: an open
      // transaction would hold this create until the file was done) and the task is not completed yet.
      await createTask(server.current, 'videoannotation', params);
      assert.equal((await getTask(server.current, task.task_id)).status, 'pending');
      finish();
      assert.equal(await submitted, 'completed');
    } finally {
      store.put = put;
      finish();
    }
    const completed = await getTask(server.current, task.task_id);
    const frames = (await (await fetch(completed.response.annotations.url)).json()) as unknown[];
    assert.equal(frames.length, FRAME_COUNT, 'the stored URL serves the file written before the commit');
  });
});
