/**
 * Scale's advanced imageannotation options (task-types.md §1.3, §1.5, §2): the server refuses
 * malformed options at creation and, on submit, responses that break them (rotated boxes, links,
 * linked attributes, base annotations a labeler may not touch), each with a 400 naming the problem.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';
import { addWorkers, assign, call, createProject, createTask, getTask, next, unique, type TestWorker } from '../queue/helpers.ts';
import type { TestServer } from '../helpers/server.ts';

const ATTACHMENT = 'https://cdn.example.com/street.jpg';

/** An imageannotation task body with rotatable boxes, keypoints joined by a linked attribute, and links. */
function advanced(project: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    project,
    attachment: ATTACHMENT,
    geometries: {
      box: { objects_to_annotate: ['person', { choice: 'vehicle', subchoices: ['car', 'bus'] }], can_rotate: true },
      point: { objects_to_annotate: ['head', 'hand'], connections: [{ pair: ['head', 'hand'], connection_attribute: 'owner' }] },
    },
    annotation_attributes: { owner: { type: 'linked', description: 'Whose keypoint?', allowed_labels: ['person'] } },
    links: { drives: { is_bidirectional: false, from_allowed_labels: ['person'], to_allowed_labels: ['car', 'bus'] } },
    ...extra,
  };
}

const PERSON = { uuid: 'person-1', type: 'box', label: 'person', left: 10, top: 10, width: 20, height: 40, attributes: {} };
const CAR = { uuid: 'car-1', type: 'box', label: 'car', left: 100, top: 50, width: 80, height: 40, attributes: {} };

describeEachDatabase('Advanced image options', (dialect) => {
  const ctx = useTestServer(dialect);
  let server: TestServer;
  let labeler: TestWorker;
  let project: string;

  before(async () => {
    server = ctx.current;
    project = unique('advanced');
    await createProject(server, { type: 'imageannotation', name: project });
    [labeler] = await addWorkers(server, 1);
    await assign(server, [labeler], [project]);
  });

  async function refusedAtCreate(body: Record<string, unknown>, message: RegExp): Promise<void> {
    const response = await server.request('POST', '/v1/task/imageannotation', { body });
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.status_code, 400);
    assert.match(response.body.error, message);
  }

  it('refuses connections, links and linked attributes that name labels the task does not offer', async () => {
    const body = advanced(project);
    const geometries = body.geometries as any;
    await refusedAtCreate({ ...body, geometries: { ...geometries, point: { ...geometries.point, connections: [{ pair: ['head', 'foot'] }] } } }, /'geometries\.point\.connections\[0\]\.pair\[1\]': "foot" is not a label of geometries\.point\.objects_to_annotate/);
    await refusedAtCreate({ ...body, geometries: { ...geometries, point: { ...geometries.point, connections: [{ pair: ['head', 'hand'], connection_attribute: 'color' }] } } }, /connection_attribute'.*"color" is not a linked annotation attribute/);
    await refusedAtCreate({ ...body, links: { drives: { from_allowed_labels: ['person'], to_allowed_labels: ['vehicle'] } } }, /'links\.drives\.to_allowed_labels\[0\]': "vehicle" is not a leaf label/);
    await refusedAtCreate({ ...body, links: [{ drives: 'person to car' }] }, /'links\[0\]\.drives'/);
    await refusedAtCreate({ ...body, annotation_attributes: { owner: { type: 'linked', allowed_labels: ['dog'] } } }, /'annotation_attributes\.owner\.allowed_labels\[0\]': "dog"/);
    await refusedAtCreate({ ...body, geometries: { ...geometries, box: { ...geometries.box, can_rotate: 'yes' } } }, /'geometries\.box\.can_rotate': expected true or false/);
  });

  it('refuses a hypothesis whose annotations do not fit the response shape of the task, naming the path', async () => {
    const body = advanced(project);
    await refusedAtCreate({ ...body, hypothesis: [PERSON] }, /'hypothesis': expected an object/);
    await refusedAtCreate({ ...body, hypothesis: { annotations: PERSON } }, /'hypothesis\.annotations': expected an array/);
    await refusedAtCreate({ ...body, hypothesis: { annotations: [PERSON, { ...CAR, type: 'polygon' }] } }, /'hypothesis\.annotations\[1\]\.type': "polygon" is not a geometry this task asks for/);
    await refusedAtCreate({ ...body, hypothesis: { annotations: [{ ...PERSON, label: 'tree' }] } }, /'hypothesis\.annotations\[0\]\.label': "tree"/);
    await refusedAtCreate({ ...body, hypothesis: { annotations: [{ ...CAR, width: 'wide' }] } }, /'hypothesis\.annotations\[0\]\.width': expected a number/);
    await refusedAtCreate({ ...body, hypothesis: { annotations: [PERSON], links: [{ label: 'drives', from: 'person-1', to: 'car-9' }] } }, /'hypothesis\.links\[0\]\.to': expected the uuid of an annotation of this hypothesis/);
    await refusedAtCreate({ ...body, hypothesis: { annotations: [], global_attributes: 'sunny' } }, /'hypothesis\.global_attributes': expected an object/);
    const legacyProject = unique('legacy-boxes');
    await createProject(server, { type: 'annotation', name: legacyProject });
    const legacy = await server.request('POST', '/v1/task/annotation', { body: { project: legacyProject, attachment: ATTACHMENT, objects_to_annotate: ['car'], hypothesis: { annotations: [{ left: 1, top: 2, width: 3, label: 'car' }] } } });
    assert.equal(legacy.status, 400);
    assert.match(legacy.body.error, /'hypothesis\.annotations\[0\]\.height': expected a number/);

    // A valid one is kept as given; pre-labels may leave a required linked answer for the labeler.
    const required = { owner: { type: 'linked', description: 'Whose keypoint?', allowed_labels: ['person'], required: true } };
    const head = { uuid: 'head-1', type: 'point', label: 'head', x: 20, y: 12, attributes: {} };
    const hypothesis = { annotations: [PERSON, CAR, head], links: [{ uuid: 'link-1', label: 'drives', from: 'person-1', to: 'car-1' }], global_attributes: {} };
    const created = await createTask(server, 'imageannotation', advanced(project, { annotation_attributes: required, hypothesis }));
    assert.deepEqual(created.params.hypothesis, hypothesis);
    await server.request('POST', `/v1/task/${created.task_id}/cancel`);
  });

  it('refuses context attachments, layers, padding and base annotations of the wrong shape', async () => {
    const body = advanced(project);
    await refusedAtCreate({ ...body, context_attachments: [{ attachment: ATTACHMENT }] }, /'context_attachments\[0\]\.attachment': is the task's own attachment/);
    await refusedAtCreate({ ...body, context_attachments: ['https://cdn.example.com/map.jpg'] }, /'context_attachments\[0\]': expected \{"attachment": url\}/);
    await refusedAtCreate({ ...body, layers: { arrows: [] } }, /'layers\.arrows': is not a layer kind/);
    await refusedAtCreate({ ...body, padding: -5 }, /'padding': expected a whole number/);
    await refusedAtCreate({ ...body, base_annotations: [PERSON] }, /'base_annotations': expected \{"annotations"/);
    await refusedAtCreate({ ...body, base_annotations: { annotations: [{ ...PERSON, type: 'polygon' }] } }, /'base_annotations\.annotations\[0\]\.type': "polygon" is not a geometry this task asks for/);
    await refusedAtCreate({ ...body, base_annotations: { annotations: [PERSON], can_delete_base_annotations: 'no' } }, /'base_annotations\.can_delete_base_annotations': expected true or false/);
  });

  it('gives each base annotation without a uuid one at creation, and keeps given ones', async () => {
    const { uuid: _dropped, ...withoutUuid } = PERSON;
    const created = await createTask(server, 'imageannotation', advanced(project, { base_annotations: { annotations: [withoutUuid, CAR] } }));
    const [first, second] = created.params.base_annotations.annotations;
    assert.match(first.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(second.uuid, 'car-1');
    assert.deepEqual((await getTask(server, created.task_id)).params.base_annotations.annotations[0].uuid, first.uuid);
    await server.request('POST', `/v1/task/${created.task_id}/cancel`);
  });

  /** Creates the task, leases it to the labeler, and returns a function that submits a response (status and error). */
  async function leased(extra: Record<string, unknown>): Promise<{ taskId: string; submit(response: unknown): Promise<{ status: number; error: string }> }> {
    const created = await createTask(server, 'imageannotation', advanced(project, extra));
    const assignment = await next(server, labeler);
    assert.equal(assignment?.task.task_id, created.task_id);
    return {
      taskId: created.task_id,
      async submit(response) {
        const answer = await call(server, labeler, 'POST', `/tasks/${created.task_id}/submit`, { lease_id: assignment.lease.lease_id, response, time_spent_secs: 2 });
        return { status: answer.status, error: answer.body?.error ?? '' };
      },
    };
  }

  it('refuses rotated boxes whose rotation or corners are wrong, and accepts a correct one with its links and linked keypoints', async () => {
    const task = await leased({});
    const rotation = Math.PI / 6;
    const cx = 140;
    const cy = 70;
    const corners = [
      [100, 50],
      [180, 50],
      [180, 90],
      [100, 90],
    ].map(([x, y]) => ({ x: cx + (x - cx) * Math.cos(rotation) - (y - cy) * Math.sin(rotation), y: cy + (x - cx) * Math.sin(rotation) + (y - cy) * Math.cos(rotation) }));
    const rotated = { ...CAR, rotation, vertices: corners };
    const head = { uuid: 'head-1', type: 'point', label: 'head', x: 20, y: 12, attributes: { owner: 'person-1' } };
    const response = (annotations: unknown[], links: unknown[] = []) => ({ annotations, links, global_attributes: {} });

    let answer = await task.submit(response([PERSON, { ...rotated, rotation: 7 }]));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /'response\.annotations\[1\]\.rotation': expected the clockwise rotation in radians/);
    answer = await task.submit(response([PERSON, { ...rotated, vertices: [corners[1], corners[2], corners[3], corners[0]] }]));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /'response\.annotations\[1\]\.vertices\[0\]': is not corner TL/);
    answer = await task.submit(response([PERSON, rotated, { ...head, attributes: { owner: 'car-1' } }]));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /'response\.annotations\[2\]\.attributes\.owner': links to a "car"; allowed are person/);
    answer = await task.submit(response([PERSON, rotated, { ...head, attributes: { owner: 'nobody' } }]));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /attributes\.owner': expected the uuid of another annotation/);
    answer = await task.submit(response([PERSON, rotated], [{ uuid: 'link-1', label: 'drives', from: 'car-1', to: 'person-1' }]));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /'response\.links\[0\]': a "drives" link may not go from a "car" to a "person"/);
    answer = await task.submit(response([PERSON, rotated], [{ uuid: 'link-1', label: 'tows', from: 'person-1', to: 'car-1' }]));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /'response\.links\[0\]\.label': expected one of the task's link types \(drives\)/);
    answer = await task.submit(response([PERSON, { ...rotated, uuid: 'person-1' }]));
    assert.equal(answer.status, 400);
    assert.match(answer.error, /'response\.annotations\[1\]\.uuid': "person-1" is used by two annotations/);

    const good = response([PERSON, rotated, head], [{ uuid: 'link-1', label: 'drives', from: 'person-1', to: 'car-1' }]);
    answer = await task.submit(good);
    assert.equal(answer.status, 200, answer.error);
    assert.deepEqual((await getTask(server, task.taskId)).response, good);
  });

  it('refuses a submission that leaves a required linked attribute unanswered where it applies, naming the path', async () => {
    const annotation_attributes = {
      owner: { type: 'linked', description: 'Whose keypoint?', allowed_labels: ['person'], required: true, conditions: { label_condition: { label: ['head'] } } },
    };
    const task = await leased({ annotation_attributes });
    const head = { uuid: 'head-1', type: 'point', label: 'head', x: 20, y: 12, attributes: {} };
    const hand = { uuid: 'hand-1', type: 'point', label: 'hand', x: 30, y: 40, attributes: {} };
    let answer = await task.submit({ annotations: [PERSON, hand, head], links: [], global_attributes: {} });
    assert.equal(answer.status, 400);
    assert.match(answer.error, /Missing required parameter 'response\.annotations\[2\]\.attributes\.owner': this "head" must be linked to another annotation \(a person\)/);
    const { attributes: _none, ...headWithoutAttributes } = head;
    answer = await task.submit({ annotations: [PERSON, headWithoutAttributes], links: [], global_attributes: {} });
    assert.equal(answer.status, 400, 'no attributes object at all is no answer either');
    assert.match(answer.error, /'response\.annotations\[1\]\.attributes\.owner'/);
    // The hand is outside the attribute's label condition: it needs no link.
    answer = await task.submit({ annotations: [PERSON, hand, { ...head, attributes: { owner: 'person-1' } }], links: [], global_attributes: {} });
    assert.equal(answer.status, 200, answer.error);
  });

  it("refuses a reviewer's fix that leaves a required linked attribute unanswered", async () => {
    const reviewProject = unique('linked-review');
    await createProject(server, { type: 'imageannotation', name: reviewProject, params: { review: true } });
    const [reviewer] = await addWorkers(server, 1, 'member', 'reviewer');
    const [reviewLabeler] = await addWorkers(server, 1);
    await assign(server, [reviewer, reviewLabeler], [reviewProject]);
    const annotation_attributes = { owner: { type: 'linked', allowed_labels: ['person'], required: true, conditions: { label_condition: { label: 'head' } } } };
    const created = await createTask(server, 'imageannotation', advanced(reviewProject, { annotation_attributes }));
    const head = { uuid: 'head-1', type: 'point', label: 'head', x: 20, y: 12, attributes: { owner: 'person-1' } };
    const labeled = await next(server, reviewLabeler);
    const submitted = await call(server, reviewLabeler, 'POST', `/tasks/${created.task_id}/submit`, { lease_id: labeled.lease.lease_id, response: { annotations: [PERSON, head] } });
    assert.equal(submitted.status, 200, submitted.text);

    const review = await next(server, reviewer, 'kind=review');
    const fix = (annotations: unknown[]) => call(server, reviewer, 'POST', `/tasks/${created.task_id}/review`, { lease_id: review.lease.lease_id, result: 'fixed', response: { annotations } });
    const refused = await fix([PERSON, { ...head, attributes: {} }]);
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /Missing required parameter 'response\.annotations\[1\]\.attributes\.owner'/);
    const fixed = await fix([PERSON, { ...head, x: 22 }]);
    assert.equal(fixed.status, 200, fixed.text);
  });

  it('refuses a rotation on a task whose boxes cannot rotate', async () => {
    const task = await leased({ geometries: { box: { objects_to_annotate: ['car'] } }, annotation_attributes: {}, links: undefined });
    const answer = await task.submit({ annotations: [{ ...CAR, rotation: 0.5 }] });
    assert.equal(answer.status, 400);
    assert.match(answer.error, /'response\.annotations\[0\]\.rotation': this task's boxes cannot rotate/);
    assert.equal((await task.submit({ annotations: [CAR] })).status, 200);
  });

  it('refuses a submission that deletes, edits, relabels or adds what the base annotation flags forbid', async () => {
    const task = await leased({
      base_annotations: { annotations: [PERSON, CAR], can_delete_base_annotations: false, can_edit_base_annotations: false },
      can_edit_base_annotation_labels: false,
      can_add_base_annotations: false,
    });
    const refusal = async (annotations: unknown[], message: RegExp) => {
      const answer = await task.submit({ annotations, links: [], global_attributes: {} });
      assert.equal(answer.status, 400, `expected a refusal matching ${message}`);
      assert.match(answer.error, message);
    };
    await refusal([PERSON], /the base annotation car-1 \(car\) is missing, and this task does not allow deleting base annotations \(can_delete_base_annotations is false\)/);
    await refusal([PERSON, { ...CAR, left: 120 }], /'response\.annotations\[1\]\.left': the base annotation car-1 \(car\) may not be edited \(can_edit_base_annotations is false\)/);
    await refusal([PERSON, { ...CAR, rotation: 0.3 }], /'response\.annotations\[1\]\.rotation': the base annotation car-1 \(car\) may not be edited/);
    await refusal([PERSON, { ...CAR, label: 'bus' }], /'response\.annotations\[1\]\.label': the base annotation car-1 \(car\) may not be relabelled \(can_edit_base_annotation_labels is false\)/);
    await refusal([PERSON, CAR, { ...CAR, uuid: 'car-2' }], /'response\.annotations\[2\]': this task does not allow adding annotations \(can_add_base_annotations is false\)/);
    // The editor's rounding (0.01 px) and its saved rotation and corners are not edits.
    const rounded = { ...CAR, left: 100.004, rotation: 0, vertices: [{ x: 100, y: 50 }, { x: 180, y: 50 }, { x: 180, y: 90 }, { x: 100, y: 90 }] };
    const answer = await task.submit({ annotations: [PERSON, rounded], links: [], global_attributes: {} });
    assert.equal(answer.status, 200, answer.error);
  });
});
