import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { TEST_KEY, useTestServer } from '../helpers/server.ts';

const GEOMETRIES = { box: { objects_to_annotate: ['car', 'person'] } };

describeEachDatabase('video tasks over HTTP', (dialect) => {
  const server = useTestServer(dialect);

  it('accepts live videoannotation and videoplaybackannotation tasks (the workbench labels them)', async () => {
    for (const type of ['videoannotation', 'videoplaybackannotation']) {
      const response = await server.current.request('POST', `/v1/task/${type}`, { body: { attachment: 'https://cdn.example.com/v.mp4', frame_rate: 5, geometries: GEOMETRIES } });
      assert.equal(response.status, 200, `${type}: ${response.text}`);
      assert.equal(response.body.status, 'pending');
    }
  });

  it('answers bad video params with a 400 naming the parameter', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ attachment: 'https://a/v.mp4' }, /'geometries'/],
      [{ attachment: 'https://a/v.mp4', geometries: GEOMETRIES, frame_rate: -2 }, /'frame_rate'/],
      [{ attachment_type: 'image', attachment: 'https://a/v.mp4', geometries: GEOMETRIES }, /'attachments'/],
      [{ attachment: 'https://a/v.mp4', geometries: GEOMETRIES, events_to_annotate: 'Turning' }, /'events_to_annotate'/],
      [{ attachment: 'https://a/v.mp4', geometries: GEOMETRIES, hypothesis: { annotations: [] } }, /'hypothesis\.annotations\.url'/],
    ];
    for (const [body, expected] of cases) {
      const response = await server.current.request('POST', '/v1/task/videoannotation', { body });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.status_code, 400);
      assert.match(response.body.error, expected);
    }
  });

  it('completes test-mode tasks with the completed shapes and empty files served without a key', async () => {
    const video = await server.current.request('POST', '/v1/task/videoannotation', {
      key: TEST_KEY,
      body: { attachment: 'https://cdn.example.com/v.mp4', geometries: GEOMETRIES, events_to_annotate: ['Turning'] },
    });
    assert.equal(video.status, 200, video.text);
    // A test-mode create answers pending and the next read shows it completed (contract 5.10).
    assert.equal(video.body.status, 'pending');
    video.body = (await server.current.request('GET', `/v1/task/${video.body.task_id}`, { key: TEST_KEY })).body;
    assert.equal(video.body.status, 'completed');
    assert.deepEqual(Object.keys(video.body.response).sort(), ['annotations', 'events']);
    const file = await fetch(video.body.response.annotations.url);
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await file.json(), []);
    assert.deepEqual(await (await fetch(video.body.response.events.url)).json(), { events: [] });

    const playback = await server.current.request('POST', '/v1/task/videoplaybackannotation', { key: TEST_KEY, body: { attachment: 'https://cdn.example.com/v.mp4', geometries: GEOMETRIES } });
    assert.equal(playback.status, 200, playback.text);
    playback.body = (await server.current.request('GET', `/v1/task/${playback.body.task_id}`, { key: TEST_KEY })).body;
    assert.equal(playback.body.status, 'completed');
    assert.deepEqual(Object.keys(playback.body.response), ['annotations']);
    assert.deepEqual(await (await fetch(playback.body.response.annotations.url)).json(), { annotations: {} });
    // A guessed folder is simply not found.
    const guessed = await fetch(playback.body.response.annotations.url.replace(/\/r\/[^/]+\//, '/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/'));
    assert.equal(guessed.status, 404);
  });
});
