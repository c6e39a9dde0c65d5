import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { describe } from 'node:test';

export type TestDatabase = { dialect: 'sqlite' | 'postgres'; databaseUrl?: string; sqliteFile?: string; drop(): Promise<void> };

/** The dialects under test: SQLite always, PostgreSQL when TEST_DATABASE_URL names a server. */
export function testDialects(): Array<'sqlite' | 'postgres'> {
  // In CI a missing PostgreSQL would silently halve the suite; fail instead.
  if (!process.env.TEST_DATABASE_URL && process.env.CI === 'true') {
    throw new Error('TEST_DATABASE_URL is not set: CI runs every suite on PostgreSQL too (.ci/run starts it and sets the variable)');
  }
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty database of the given dialect: a temp SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const name = `tw_test_${crypto.randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-test-'));
    return { dialect, sqliteFile: path.join(dir, 'tagwright.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    databaseUrl: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Runs the same suite body once per dialect under test, as kysely's own tests do. */
export function describeEachDatabase(title: string, body: (dialect: 'sqlite' | 'postgres') => void): void {
  for (const dialect of testDialects()) describe(`${title} [${dialect}]`, () => body(dialect));
}
