import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { Migrator, sql, type Kysely } from 'kysely';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../helpers/databases.ts';
import { connect, type Db } from '../../src/db/connect.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { dialectHelpers } from '../../src/db/dialect.ts';

// A deployment upgrades from whatever schema it runs. For every earlier version this builds a database
// with the migrations themselves (up to that version), fills every table it has with a row, runs the
// remaining migrations, and checks they succeed and keep the rows. The filler is generic (values by
// column type, one shared id so foreign keys resolve), so new tables and migrations are covered without
// editing this test.

const FIXTURE_ID = 'fixture0000000000000000a';

function valueFor(dataType: string): unknown {
  const type = dataType.toLowerCase();
  if (/int|serial/.test(type)) return 1;
  if (/real|double|float|numeric|decimal/.test(type)) return 1.5;
  if (/bool/.test(type)) return true;
  if (/json/.test(type)) return JSON.stringify({ fixture: true });
  if (/bytea|blob/.test(type)) return Buffer.from('fixture');
  return FIXTURE_ID;
}

async function userTables(kysely: Kysely<any>) {
  return (await kysely.introspection.getTables()).filter((table) => !table.name.startsWith('kysely_') && !table.isView);
}

/**
 * One row in every table. Tables are tried until none makes progress, so a table whose foreign keys
 * point at a later one is filled once that one is.
 */
async function fillEveryTable(kysely: Kysely<any>): Promise<string[]> {
  const tables = await userTables(kysely);
  const filled: string[] = [];
  let pending = tables;
  const failures = new Map<string, string>();
  while (pending.length > 0) {
    const next = [];
    for (const table of pending) {
      const row = Object.fromEntries(table.columns.map((column) => [column.name, valueFor(column.dataType)]));
      try {
        await kysely.insertInto(table.name).values(row).execute();
        filled.push(table.name);
      } catch (error) {
        failures.set(table.name, (error as Error).message);
        next.push(table);
      }
    }
    if (next.length === pending.length) assert.fail(`could not fill ${next.map((table) => `${table.name} (${failures.get(table.name)})`).join(', ')}`);
    pending = next;
  }
  return filled;
}

async function rowCount(kysely: Kysely<any>, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(kysely);
  return Number(rows[0].n);
}

describeEachDatabase('Migrations on a populated database', (dialect) => {
  const opened: Array<{ db: Db; database: TestDatabase }> = [];
  after(async () => {
    for (const { db, database } of opened) {
      await db.close();
      await database.drop();
    }
  });

  const names = Object.keys(migrations(dialectHelpers(dialect))).sort();
  for (const [index, version] of names.slice(0, -1).entries()) {
    it(`upgrades a filled database from ${version} to the latest schema and keeps its rows`, async () => {
      const database = await createTestDatabase(dialect);
      const db = connect({ databaseUrl: database.databaseUrl, sqliteFile: database.sqliteFile });
      opened.push({ db, database });
      const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations(db.dialect) } });

      const partial = await migrator.migrateTo(version);
      assert.equal(partial.error, undefined, String(partial.error));
      assert.equal(partial.results?.length, index + 1);
      const filled = await fillEveryTable(db.kysely);
      assert.ok(filled.length > 0);

      const upgrade = await migrator.migrateToLatest();
      assert.equal(upgrade.error, undefined, `upgrading from ${version}: ${String((upgrade.error as Error)?.message ?? upgrade.error)}`);
      assert.deepEqual(upgrade.results?.map((result) => result.status), names.slice(index + 1).map(() => 'Success'));
      const remaining = new Set((await userTables(db.kysely)).map((table) => table.name));
      for (const table of filled) {
        if (remaining.has(table)) assert.ok((await rowCount(db.kysely, table)) >= 1, `${table} kept its row`);
      }
    });
  }
});
