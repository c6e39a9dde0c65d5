import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ScaleDuplicateResource,
  ScaleException,
  ScaleInternalError,
  ScaleInvalidRequest,
  ScaleNotEnabled,
  ScaleResourceNotFound,
  ScaleServiceUnavailable,
  ScaleTimeoutError,
  ScaleTooManyRequests,
  ScaleUnauthorized,
} from '../../src/index.ts';
import { fakeClient, jsonResponse } from '../helpers/fake-fetch.ts';

describe('error classes', () => {
  const cases: Array<[number, new (...args: never[]) => ScaleException]> = [
    [400, ScaleInvalidRequest],
    [401, ScaleUnauthorized],
    [402, ScaleNotEnabled],
    [404, ScaleResourceNotFound],
    [409, ScaleDuplicateResource],
    [429, ScaleTooManyRequests],
    [500, ScaleInternalError],
    [503, ScaleServiceUnavailable],
    [504, ScaleTimeoutError],
  ];

  for (const [status, ErrorClass] of cases) {
    it(`throws ${ErrorClass.name} carrying status, message and body for a ${status} answer`, async () => {
      const body = { status_code: status, error: `Problem number ${status} with 'project'.`, extra: 1 };
      const { client } = fakeClient(() => jsonResponse(body, status), { maxRetries: 0 });
      const error = await client.getProject('p').then(
        () => assert.fail('expected an error'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof ErrorClass, `${(error as Error).name} is not ${ErrorClass.name}`);
      assert.ok(error instanceof ScaleException);
      assert.equal(error.status, status);
      assert.equal(error.code, status);
      assert.equal(error.message, body.error);
      assert.deepEqual(error.body, body);
      assert.equal(error.name, ErrorClass.name);
    });
  }

  it('uses the base ScaleException for statuses without a class of their own (403, 413)', async () => {
    for (const status of [403, 413]) {
      const { client } = fakeClient(() => jsonResponse({ status_code: status, error: 'nope' }, status), { maxRetries: 0 });
      await assert.rejects(client.getProjects(), (error: ScaleException) => {
        assert.equal(error.constructor, ScaleException);
        assert.equal(error.status, status);
        return true;
      });
    }
  });

  it('keeps a non-JSON error body as text and names the status in the message', async () => {
    const { client } = fakeClient(() => new Response('', { status: 404, statusText: 'Not Found' }), { maxRetries: 0 });
    await assert.rejects(client.getTask('abc'), (error: ScaleException) => {
      assert.ok(error instanceof ScaleResourceNotFound);
      assert.match(error.message, /404/);
      return true;
    });
    const html = fakeClient(() => new Response('<html>bad gateway</html>', { status: 400 }), { maxRetries: 0 });
    await assert.rejects(html.client.getTask('abc'), (error: ScaleException) => error.body === '<html>bad gateway</html>');
  });
});
