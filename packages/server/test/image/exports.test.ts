/**
 * Rotated boxes and keypoint skeletons in the image exports (task-types.md §2, issue 18): COCO keeps
 * a rotated box as CVAT does (unrotated `bbox`, `attributes.rotation` in degrees) with its corners
 * as `segmentation`, and keypoints in COCO's keypoint form (category `keypoints`/`skeleton`,
 * annotation `keypoints`/`num_keypoints`); `yolo-obb` writes Ultralytics' oriented boxes; `yolo`
 * and `voc` write a rotated box's bounding box.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { rotatedBoxCorners } from '@tagwright/formats';
import { describeEachDatabase } from '../helpers/databases.ts';
import { LIVE_KEY, useTestServer, type TestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, createProject, createTask, next, unique } from '../queue/helpers.ts';
import { readTar, vocObjects } from '../import-export/helpers.ts';

const ROTATION = Math.PI / 6;
const PERSON = { uuid: 'person-1', type: 'box', label: 'person', left: 10, top: 10, width: 20, height: 40, attributes: {} };
const CAR_BOX = { left: 100, top: 50, width: 80, height: 40, rotation: ROTATION };
const CAR = { uuid: 'car-1', type: 'box', label: 'car', ...CAR_BOX, vertices: rotatedBoxCorners(CAR_BOX), attributes: {} };
const point = (uuid: string, label: string, x: number, y: number, owner?: string) => ({ uuid, type: 'point', label, x, y, attributes: owner ? { owner } : {} });

describeEachDatabase('Rotated boxes and keypoints in the image exports', (dialect) => {
  const ctx = useTestServer(dialect);
  let server: TestServer;
  let project: string;

  before(async () => {
    server = ctx.current;
    project = unique('exports');
    await createProject(server, { type: 'imageannotation', name: project });
    const [labeler] = await addWorkers(server, 1);
    await assign(server, [labeler], [project]);
    await createTask(server, 'imageannotation', {
      project,
      attachment: 'https://cdn.example.com/people.jpg',
      metadata: { width: 800, height: 500 },
      geometries: {
        box: { objects_to_annotate: ['person', 'car'], can_rotate: true },
        point: { objects_to_annotate: ['head', 'hand'], connections: [{ pair: ['head', 'hand'], connection_attribute: 'owner' }] },
      },
      annotation_attributes: { owner: { type: 'linked', description: 'Whose keypoint?', allowed_labels: ['person'] } },
    });
    const assignment = await next(server, labeler);
    const response = {
      annotations: [{ ...PERSON, rotation: 0, vertices: rotatedBoxCorners(PERSON) }, CAR, point('head-1', 'head', 20, 12, 'person-1'), point('hand-1', 'hand', 28, 35, 'person-1'), point('head-2', 'head', 400, 100)],
      links: [],
      global_attributes: {},
    };
    const submitted = await call(server, labeler, 'POST', `/tasks/${assignment.task.task_id}/submit`, { lease_id: assignment.lease.lease_id, response, time_spent_secs: 2 });
    assert.equal(submitted.status, 200, submitted.text);
  });

  async function exported(format: string): Promise<Response> {
    const answer = await fetch(`${server.url}/app/api/exports/tasks?format=${format}&project=${project}`, { headers: { authorization: `Basic ${Buffer.from(`${LIVE_KEY}:`).toString('base64')}` } });
    assert.equal(answer.status, 200, format);
    return answer;
  }

  it('writes COCO keypoints on the box they are linked to, unlinked ones on their own, and a rotated box as CVAT does', async () => {
    const coco = await (await exported('coco')).json();
    const category = (name: string) => coco.categories.find((entry: any) => entry.name === name);
    assert.deepEqual(category('person').keypoints, ['head', 'hand']);
    assert.deepEqual(category('person').skeleton, [[1, 2]]);
    assert.deepEqual(category('keypoints').keypoints, ['head', 'hand']);
    assert.equal(category('car').keypoints, undefined);
    const of = (name: string) => coco.annotations.filter((annotation: any) => annotation.category_id === category(name).id);

    const [person] = of('person');
    assert.deepEqual(person.bbox, [10, 10, 20, 40]);
    assert.deepEqual(person.keypoints, [20, 12, 2, 28, 35, 2]);
    assert.equal(person.num_keypoints, 2);
    assert.equal(of('person').length, 1, 'the keypoints ride on the person box, not beside it');

    const [unlinked] = of('keypoints');
    assert.deepEqual(unlinked.keypoints, [400, 100, 2, 0, 0, 0]);
    assert.equal(unlinked.num_keypoints, 1);
    assert.deepEqual(unlinked.bbox, [400, 100, 0, 0]);

    const [car] = of('car');
    assert.deepEqual(car.bbox, [100, 50, 80, 40]);
    assert.deepEqual(car.attributes, { rotation: 30 });
    assert.deepEqual(car.segmentation, [rotatedBoxCorners(CAR_BOX).flatMap((corner) => [Math.round(corner.x * 100) / 100, Math.round(corner.y * 100) / 100])]);
    assert.equal(coco.annotations.length, 3);
  });

  it('writes yolo-obb corners, and the rotated box\'s bounding box in yolo and voc', async () => {
    const obb = readTar(Buffer.from(await (await exported('yolo-obb')).arrayBuffer()));
    const labelFile = [...obb.keys()].find((name) => name.startsWith('labels/'))!;
    const lines = obb.get(labelFile)!.toString('utf8').trim().split('\n').map((line) => line.split(' ').map(Number));
    assert.deepEqual(lines[0], [0, 10 / 800, 10 / 500, 30 / 800, 10 / 500, 30 / 800, 50 / 500, 10 / 800, 50 / 500].map((value) => Number(value.toFixed(6))));
    const corners = rotatedBoxCorners(CAR_BOX).flatMap((corner) => [corner.x / 800, corner.y / 500]);
    assert.deepEqual(lines[1], [1, ...corners.map((value) => Number(value.toFixed(6)))]);
    assert.equal(lines.length, 2);

    const xs = rotatedBoxCorners(CAR_BOX).map((corner) => corner.x);
    const ys = rotatedBoxCorners(CAR_BOX).map((corner) => corner.y);
    const yolo = readTar(Buffer.from(await (await exported('yolo')).arrayBuffer()));
    const carLine = yolo.get(labelFile)!.toString('utf8').trim().split('\n')[1].split(' ').map(Number);
    const expected = [1, (Math.min(...xs) + Math.max(...xs)) / 2 / 800, (Math.min(...ys) + Math.max(...ys)) / 2 / 500, (Math.max(...xs) - Math.min(...xs)) / 800, (Math.max(...ys) - Math.min(...ys)) / 500];
    assert.deepEqual(carLine, expected.map((value) => Number(value.toFixed(6))));

    const voc = readTar(Buffer.from(await (await exported('voc')).arrayBuffer()));
    const xml = [...voc.entries()].find(([name]) => name.startsWith('Annotations/'))![1].toString('utf8');
    const car = vocObjects(xml).find((object) => object.name === 'car')!;
    assert.deepEqual(car.box.map(Math.round), [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].map(Math.round));
  });
});
