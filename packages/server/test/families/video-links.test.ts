/**
 * Links between video tracks (task-types §4.2 "links … as for images", §4.5 "links and linked
 * attributes across tracks"), over HTTP on each database: a submission's `links` and `linked`
 * attribute answers must join two of its tracks in a direction the task allows (400 naming the
 * problem otherwise); the annotation file lists each link on the frames where both tracks are.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, createProject, createTask, getTask, next, submit, unique } from '../queue/helpers.ts';

const FRAME_COUNT = 20;

const PARAMS = {
  attachment: 'https://cdn.example.com/clip.webm',
  frame_rate: 10,
  duration_time: FRAME_COUNT / 10,
  geometries: { box: { objects_to_annotate: ['rider', 'bike', 'car'] } },
  links: { rides: { is_bidirectional: false, from_allowed_labels: ['rider'], to_allowed_labels: ['bike'] } },
  annotation_attributes: { follows: { type: 'linked', description: 'Which car does it follow?', allowed_labels: ['car'] } },
};

/** A rider on frames 0-10, a bike on 5-19 (outside from 15), a car on 0-19; the rider rides the bike and follows the car. */
function submission(overrides: { links?: unknown; riderAttributes?: Record<string, unknown> } = {}) {
  return {
    frame_count: FRAME_COUNT,
    tracks: [
      {
        uuid: 'rider',
        label: 'rider',
        geometry: 'box',
        keyframes: [
          { frame: 0, left: 10, top: 10, width: 10, height: 20, attributes: overrides.riderAttributes ?? { follows: 'car' } },
          { frame: 10, left: 30, top: 10, width: 10, height: 20, attributes: overrides.riderAttributes ?? { follows: 'car' } },
        ],
      },
      {
        uuid: 'bike',
        label: 'bike',
        geometry: 'box',
        keyframes: [
          { frame: 5, left: 15, top: 25, width: 20, height: 10, attributes: {} },
          { frame: 15, outside: true },
          { frame: 19, left: 50, top: 25, width: 20, height: 10, attributes: {} },
        ],
      },
      { uuid: 'car', label: 'car', geometry: 'box', keyframes: [{ frame: 0, left: 100, top: 50, width: 40, height: 20, attributes: {} }, { frame: 19, left: 140, top: 50, width: 40, height: 20, attributes: {} }] },
    ],
    events: [],
    links: overrides.links ?? [{ uuid: 'link-1', label: 'rides', from: 'rider', to: 'bike' }],
  };
}

describeEachDatabase('links between video tracks', (dialect) => {
  const server = useTestServer(dialect);

  async function labelerWithTask(type = 'videoannotation') {
    const project = unique('video-links');
    await createProject(server.current, { type, name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const task = await createTask(server.current, type, { project, ...PARAMS });
    return { labeler, task, assignment: await next(server.current, labeler) };
  }

  it('answers links and linked answers that do not join two tracks the task allows with a 400 naming the problem', async () => {
    const { labeler, assignment } = await labelerWithTask();
    const cases: Array<[ReturnType<typeof submission>, RegExp]> = [
      [submission({ links: [{ uuid: 'l', label: 'tows', from: 'rider', to: 'bike' }] }), /'response\.links\[0\]\.label'.*rides/],
      [submission({ links: [{ uuid: 'l', label: 'rides', from: 'rider', to: 'ghost' }] }), /'response\.links\[0\]\.to'.*uuid of a track/],
      [submission({ links: [{ uuid: 'l', label: 'rides', from: 'bike', to: 'rider' }] }), /'response\.links\[0\]'.*may not go from a "bike" to a "rider"/],
      [submission({ links: [{ uuid: 'l', label: 'rides', from: 'rider', to: 'rider' }] }), /'response\.links\[0\]\.to'.*two different tracks/],
      [submission({ links: 'rider->bike' }), /'response\.links'.*array/],
      [submission({ riderAttributes: { follows: 'bike' } }), /'response\.tracks\[0\]\.keyframes\[0\]\.attributes\.follows'.*"bike"; allowed are car/],
      [submission({ riderAttributes: { follows: 'nobody' } }), /'response\.tracks\[0\]\.keyframes\[0\]\.attributes\.follows'.*uuid of another track/],
    ];
    for (const [response, expected] of cases) {
      const answer = await call(server.current, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response, time_spent_secs: 3 });
      assert.equal(answer.status, 400, JSON.stringify(response.links));
      assert.equal(answer.body.status_code, 400);
      assert.match(answer.body.error, expected);
    }
  });

  it('lists each link on every frame of the annotation file where both of its tracks are, and beside the tracks for playback', async () => {
    const { labeler, task, assignment } = await labelerWithTask();
    assert.equal(await submit(server.current, labeler, assignment, submission()), 'completed');
    const completed = await getTask(server.current, task.task_id);
    const frames = (await (await fetch(completed.response.annotations.url)).json()) as Array<{ annotations: Array<{ uuid: string; attributes: Record<string, unknown> }>; links: unknown[] }>;
    assert.equal(frames.length, FRAME_COUNT);
    const link = { uuid: 'link-1', label: 'rides', from: 'rider', to: 'bike' };
    frames.forEach((frame, index) => {
      // The rider is on 0-10, the bike on 5-14 and 19.
      const both = index >= 5 && index <= 10;
      assert.deepEqual(frame.links, both ? [link] : [], `frame ${index}`);
    });
    assert.equal(frames[3].annotations.find((annotation) => annotation.uuid === 'rider')!.attributes.follows, 'car', 'the linked attribute names the car track');

    const playback = await labelerWithTask('videoplaybackannotation');
    assert.equal(await submit(server.current, playback.labeler, playback.assignment, submission()), 'completed');
    const file = (await (await fetch((await getTask(server.current, playback.task.task_id)).response.annotations.url)).json()) as { annotations: Record<string, unknown>; links: unknown[] };
    assert.deepEqual(Object.keys(file.annotations), ['rider', 'bike', 'car']);
    assert.deepEqual(file.links, [link]);
  });

  it('writes no links key for a task without params.links', async () => {
    const project = unique('video-no-links');
    await createProject(server.current, { type: 'videoannotation', name: project });
    const [labeler] = await addWorkers(server.current, 1);
    await assign(server.current, [labeler], [project]);
    const { links: _links, ...withoutLinks } = PARAMS;
    const task = await createTask(server.current, 'videoannotation', { project, ...withoutLinks });
    const bad = submission();
    const assignment = await next(server.current, labeler);
    const answer = await call(server.current, labeler, 'POST', `/tasks/${task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response: bad, time_spent_secs: 3 });
    assert.equal(answer.status, 400);
    assert.match(answer.body.error, /'response\.links\[0\]\.label'.*defines no links/);
    assert.equal(await submit(server.current, labeler, assignment, { ...bad, links: [] }), 'completed');
    const frames = (await (await fetch((await getTask(server.current, task.task_id)).response.annotations.url)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(frames[0]), ['annotations']);
  });
});
