/**
 * The run's PostgreSQL database, shared by the benches: a fresh database on BENCH_DATABASE_URL's
 * server (or `admin`'s), made and dropped by the test helper's createTestDatabase (so it is named like a test's),
 * or none without BENCH_DATABASE_URL (the bench then runs on SQLite).
 */
export async function createBenchDatabase(admin = process.env.BENCH_DATABASE_URL): Promise<{ url?: string; drop(): Promise<void> }> {
  if (!admin) return { drop: async () => {} };
  // The helper reads its server from TEST_DATABASE_URL; imported here so a run on SQLite never loads pg.
  process.env.TEST_DATABASE_URL = admin;
  const { createTestDatabase } = await import('../packages/server/test/helpers/databases.ts');
  const database = await createTestDatabase('postgres');
  return { url: database.databaseUrl!, drop: () => database.drop() };
}
