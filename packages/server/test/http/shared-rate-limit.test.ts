import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestDatabase, describeEachDatabase } from '../helpers/databases.ts';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { RateLimitRepository } from '../../src/repositories/rate-limit.repository.ts';
import { SharedRateLimiter } from '../../src/http/shared-rate-limit.ts';

const failOnError = (error: unknown) => {
  throw error;
};

// The limiter runs on PostgreSQL in production; its bucket SQL is portable, so both databases check it.
describeEachDatabase('SharedRateLimiter: one allowance per key across processes', (dialect) => {
  it('refuses a key in a second process once the first spent its allowance, and earns requests back in both', async () => {
    const database = await createTestDatabase(dialect);
    const db = connect({ databaseUrl: database.databaseUrl, sqliteFile: database.sqliteFile });
    let now = 1_000_000;
    const clock = () => now;
    const first = new SharedRateLimiter(60, new RateLimitRepository(db.kysely), failOnError, clock);
    const second = new SharedRateLimiter(60, new RateLimitRepository(db.kysely), failOnError, clock);
    try {
      await migrateToLatest(db);
      for (let index = 0; index < 60; index++) assert.equal(await first.take('key-1'), 0, `request ${index + 1} of 60`);
      assert.equal(await first.take('key-1'), 1, 'one a second: the next is earned in 1 s');
      const elsewhere = second.take('key-1');
      assert.ok(elsewhere instanceof Promise, 'a key new to a process is decided after reading the shared bucket');
      assert.equal(await elsewhere, 1, 'the other process refuses it too');
      assert.equal(await second.take('key-2'), 0, 'each key has its own allowance');

      now += 1000;
      assert.equal(await second.take('key-1'), 0, 'a second later one request is earned back');
      assert.equal(await first.take('key-1'), 1, 'and the second process spent it');
      now += 5000;
      let letThrough = 0;
      for (const limiter of [first, second, first, second, first, second, first, second]) if ((await limiter.take('key-1')) === 0) letThrough += 1;
      assert.equal(letThrough, 5, 'five seconds earn five requests, wherever they are spent');
    } finally {
      await first.close();
      await second.close();
      await db.close();
      await database.drop();
    }
  });

  it('decides in memory, without waiting, while a key has plenty left, and the other process counts that spending exactly', async () => {
    const database = await createTestDatabase(dialect);
    const db = connect({ databaseUrl: database.databaseUrl, sqliteFile: database.sqliteFile });
    const now = 5_000_000;
    const clock = () => now;
    const first = new SharedRateLimiter(1000, new RateLimitRepository(db.kysely), failOnError, clock);
    const second = new SharedRateLimiter(1000, new RateLimitRepository(db.kysely), failOnError, clock);
    try {
      await migrateToLatest(db);
      assert.equal(await first.take('busy'), 0);
      for (let index = 0; index < 500; index++) assert.equal(first.take('busy'), 0, 'a plain number: no promise and no query on the hot path');
      await first.flush();
      const row = await db.kysely.selectFrom('rate_limit_buckets').select('tokens').where('key_id', '=', 'busy').executeTakeFirstOrThrow();
      assert.equal(Number(row.tokens), 499);
      let letThrough = 0;
      while ((await second.take('busy')) === 0) letThrough += 1;
      assert.equal(letThrough, 499, 'the second process lets through exactly what the first left');
    } finally {
      await first.close();
      await second.close();
      await db.close();
      await database.drop();
    }
  });
});
