// Runs vitest, then prints the plain "N passed, N failed" line CI reads (it does not parse vitest's
// own summary). Exits non-zero when any test failed or vitest itself failed to run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

// vitest is hoisted to the repository's node_modules; find it wherever npm put it.
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const directory = mkdtempSync(join(tmpdir(), 'tagwright-web-tests-'));
const report = join(directory, 'vitest.json');
const run = spawnSync(
  process.execPath,
  [vitestBin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  skipped = results.numPendingTests + results.numTodoTests;
  // A file that fails to load has no failed tests but a failed suite; count it so CI sees it.
  for (const file of results.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
  }
} catch (error) {
  console.error(`Could not read the vitest report: ${error.message}`);
  failed = Math.max(failed, 1);
} finally {
  rmSync(directory, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
