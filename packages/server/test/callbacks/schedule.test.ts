import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { nextRetryAt } from '../../src/domain/callback-schedule.ts';

describe('Callback retry schedule', () => {
  it("defaults to the contract's 20 retries, the last one 22 h 15 min 30 s after the first attempt", () => {
    const { callbackSchedule, callbackTimeoutMs, callbackClaimMs } = loadConfig({});
    assert.equal(callbackSchedule.length, 20);
    assert.equal(callbackSchedule.reduce((sum, seconds) => sum + seconds, 0), 22 * 3600 + 15 * 60 + 30);
    assert.deepEqual(callbackSchedule.slice(0, 3), [30, 60, 120]);
    assert.equal(callbackTimeoutMs, 30_000);
    assert.ok(callbackClaimMs > callbackTimeoutMs);
  });

  it('spreads each retry within ±10 % of its delay and gives up after the last one', () => {
    const schedule = [30, 60];
    assert.equal(nextRetryAt(1, schedule, 0, () => 0), 27_000);
    assert.equal(nextRetryAt(1, schedule, 0, () => 1), 33_000);
    assert.equal(nextRetryAt(2, schedule, 1_000, () => 0.5), 61_000);
    assert.equal(nextRetryAt(3, schedule, 0), null);
  });

  it('reads TAGWRIGHT_CALLBACK_SCHEDULE and rejects a claim lease no longer than the timeout', () => {
    assert.deepEqual(loadConfig({ TAGWRIGHT_CALLBACK_SCHEDULE: '0.05, 1,2' }).callbackSchedule, [0.05, 1, 2]);
    assert.throws(() => loadConfig({ TAGWRIGHT_CALLBACK_SCHEDULE: '1,soon' }), /TAGWRIGHT_CALLBACK_SCHEDULE/);
    assert.throws(() => loadConfig({ TAGWRIGHT_CALLBACK_TIMEOUT_MS: '5000', TAGWRIGHT_CALLBACK_CLAIM_MS: '5000' }), /TAGWRIGHT_CALLBACK_CLAIM_MS/);
    assert.throws(() => loadConfig({ TAGWRIGHT_SMTP_URL: 'mail.example.com' }), /TAGWRIGHT_SMTP_URL/);
  });
});
