import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TASK_TYPES } from '../../src/domain/task-types.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/**
 * Where a task type's name may be written as a string: its family (server, web, formats), and the
 * wire contract's lists of accepted names (the server's TASK_TYPES, the SDK's TaskType enum).
 * Everything else reaches a type's rules through a family registry.
 */
const ALLOWED = [
  /^packages\/server\/src\/families\//,
  /^packages\/web\/src\/families\//,
  /^packages\/formats\/src\/(?!shared\/|index\.ts$)[^/]+\//,
  /^packages\/server\/src\/domain\/task-types\.ts$/,
  /^packages\/sdk\/src\/types\.ts$/,
];

/** Lines where a type's name is an English word, not the type (path, and a piece of the line). */
const ENGLISH = [{ path: 'packages/web/src/editor/editor.ts', text: "|| 'annotation'" }];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx)$/.test(entry)) yield path;
  }
}

describe('task type names', () => {
  it('appear as strings only in their families and in the contract lists', () => {
    const quoted = new RegExp(`(['"\`])(${TASK_TYPES.join('|')})\\1`, 'g');
    const found: string[] = [];
    let scanned = 0;
    for (const pkg of ['server', 'web', 'sdk', 'formats']) {
      for (const file of sourceFiles(join(ROOT, 'packages', pkg, 'src'))) {
        const path = relative(ROOT, file).split('\\').join('/');
        scanned += 1;
        if (ALLOWED.some((pattern) => pattern.test(path))) continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (ENGLISH.some((word) => word.path === path && line.includes(word.text))) return;
            for (const match of line.matchAll(quoted)) found.push(`${path}:${index + 1}: ${match[0]}`);
          });
      }
    }
    assert.ok(scanned > 100, `only ${scanned} source files found under ${ROOT}`);
    assert.deepEqual(found, []);
  });

  it('reach the SDK from @tagwright/formats as types only, so the SDK keeps no runtime dependency', () => {
    const statements: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'packages', 'sdk', 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:^|\n)\s*((?:import|export)\b[^;]*?from\s*['"]@tagwright\/formats['"])/g)) statements.push(match[1]);
    }
    assert.ok(statements.length > 0, 'the SDK takes its task shapes from @tagwright/formats');
    for (const statement of statements) assert.match(statement, /^(import|export) type\b/, statement);
  });
});
