import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../src/http/rate-limit.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';

describe('RateLimiter', () => {
  it('lets a key spend its allowance in a burst, then asks it to wait until a request has been earned back', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(120, () => now); // two requests a second
    for (let index = 0; index < 120; index++) assert.equal(limiter.take('key'), 0);
    assert.equal(limiter.take('key'), 1);
    now += 499;
    assert.equal(limiter.take('key'), 1, 'half a second earns back less than one request');
    now += 1;
    assert.equal(limiter.take('key'), 0);
    assert.equal(limiter.take('other'), 0, 'each key has its own allowance');
  });

  it('never asks for more than 30 s (contract 10.3), and a limit of 0 means no limit', () => {
    let now = 0;
    const slow = new RateLimiter(1, () => now);
    assert.equal(slow.take('key'), 0);
    assert.equal(slow.take('key'), 30);
    now += 59_000;
    assert.equal(slow.take('key'), 1);
    const off = new RateLimiter(0, () => now);
    for (let index = 0; index < 1000; index++) assert.equal(off.take('key'), 0);
  });
});

describeEachDatabase('Rate limit per API key', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_RATE_LIMIT_PER_MINUTE: '3' });

  it('answers 429 in the contract error shape with a Retry-After of 1 to 30 seconds once a key has used its allowance', async () => {
    for (let index = 0; index < 3; index++) assert.equal((await server.current.request('GET', '/v1/projects')).status, 200);
    const limited = await server.current.request('GET', '/v1/projects');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.status_code, 429);
    // Three a minute earn one back every 20 s; the three requests above took part of that already.
    const wait = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(wait) && wait >= 15 && wait <= 20, `Retry-After ${wait}`);
    assert.match(limited.body.error, new RegExp(`3 requests per minute; retry after ${wait} s`));
    assert.equal(limited.headers.get('content-type'), 'application/json; charset=utf-8');
  });

  it('counts each key on its own: another key of the same account is still served', async () => {
    assert.equal((await server.current.request('GET', '/v1/projects', { key: TEST_KEY })).status, 200);
  });
});
