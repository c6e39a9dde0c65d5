import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { Conflict } from '../../src/domain/errors.ts';
import { handleError } from '../../src/http/errors.ts';
import { registerJsonParser } from '../../src/http/parsers.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, LIVE_KEY, TEST_KEY } from '../helpers/server.ts';

describeEachDatabase('HTTP foundation', (dialect) => {
  const server = useTestServer(dialect);

  it('answers /healthz with 200 JSON once the database is reachable', async () => {
    const response = await server.current.request('GET', '/healthz', { key: null });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('serves an OpenAPI document', async () => {
    const response = await server.current.request('GET', '/openapi.json', { key: null });
    assert.equal(response.status, 200);
    assert.equal(response.body.openapi.startsWith('3.'), true);
  });

  it('answers an unknown route with a JSON 404 in the contract shape', async () => {
    const response = await server.current.request('GET', '/v1/no-such-thing');
    assert.equal(response.status, 404);
    assert.equal(response.body.status_code, 404);
    assert.match(response.body.error, /no-such-thing/);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  });

  it('authenticates the bootstrap live and test keys with Basic and Bearer', async () => {
    for (const key of [LIVE_KEY, TEST_KEY, `${LIVE_KEY}|test`]) {
      assert.ok(await server.current.server.services.accounts.authenticate(key), key);
    }
    const caller = await server.current.server.services.accounts.authenticate(`${LIVE_KEY}|test`);
    assert.equal(caller?.environment, 'test');
    assert.equal(await server.current.server.services.accounts.authenticate('live_ffffffffffffffffffffffffffffffff'), undefined);
  });
});

describe('Contract 7.4 safety net', () => {
  it('turns a 409 into a 400 on a path containing "task" when the body is not an object', async () => {
    const app = Fastify({ logger: false });
    registerJsonParser(app);
    app.setErrorHandler(handleError);
    app.post('/task/:id/tags', async () => {
      throw new Conflict('taken');
    });
    app.post('/batches', async () => {
      throw new Conflict('taken');
    });
    const onTaskWithArray = await app.inject({ method: 'POST', url: '/task/abc/tags', payload: ['a'], headers: { 'content-type': 'application/json' } });
    assert.equal(onTaskWithArray.statusCode, 400);
    assert.equal(onTaskWithArray.json().status_code, 400);
    const onTaskWithObject = await app.inject({ method: 'POST', url: '/task/abc/tags', payload: { tags: ['a'] } });
    assert.equal(onTaskWithObject.statusCode, 409);
    const elsewhereWithArray = await app.inject({ method: 'POST', url: '/batches', payload: ['a'], headers: { 'content-type': 'application/json' } });
    assert.equal(elsewhereWithArray.statusCode, 409);
    await app.close();
  });
});
