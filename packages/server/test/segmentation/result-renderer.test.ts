import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { encodeIndexRle } from '@tagwright/formats';
import type { Config } from '../../src/config.ts';
import { InvalidRequest } from '../../src/domain/errors.ts';
import { ResultRenderer } from '../../src/services/result-renderer.ts';
import { PublicUrl } from '../../src/services/public-url.ts';
import { LocalFileStore } from '../../src/storage/local-file-store.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-renderer-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A local store that counts the files written. */
class CountingStore extends LocalFileStore {
  puts = 0;
  override put(key: string, source: Readable, options: { maxBytes: number }) {
    this.puts += 1;
    return super.put(key, source, options);
  }
}

const task = { id: 'task_1', type: 'segmentannotation', params: { attachment: 'https://cdn.example.com/a.jpg', labels: ['road', 'sky'] } };
const draft = () => ({
  labelMapping: { road: { index: 1, color: '#e6194b' }, sky: { index: 2, color: '#3cb44b' } },
  mask: encodeIndexRle(3, 2, [1, 1, 2, 1, 2, 2]),
});

function renderer(): { store: CountingStore; results: ResultRenderer } {
  const store = new CountingStore(fs.mkdtempSync(path.join(root, 'store-')));
  return { store, results: new ResultRenderer(store, new PublicUrl({ publicUrl: 'http://tw.test' } as Config)) };
}

describe('result renderer', () => {
  it('renders a prepared response before the transaction, whose record then writes no file', async () => {
    const { store, results } = renderer();
    await results.prepare(task, draft());
    const written = store.puts;
    assert.ok(written >= 5, 'combined, indexed, extended, unlabeled and a mask per label');
    // The transaction stores an equal response read back from a row, not the same object.
    const stored: any = await results.record(undefined as any, task as any, JSON.parse(JSON.stringify(draft())));
    assert.equal(store.puts, written);
    assert.match(stored.annotations.combined.indexedImage, /^http:\/\/tw\.test\/r\/[A-Za-z0-9_-]{32}\/indexed\.png$/);
    // A retried transaction finds the same files.
    assert.deepEqual(await results.record(undefined as any, task as any, draft()), stored);
    assert.equal(store.puts, written);
  });

  it('renders inside the transaction a response nobody prepared, and a changed one anew', async () => {
    const { store, results } = renderer();
    await results.prepare(task, draft());
    const written = store.puts;
    const changed = { ...draft(), mask: encodeIndexRle(3, 2, [1, 1, 1, 1, 2, 2]) };
    const stored: any = await results.record(undefined as any, task as any, changed);
    assert.equal(store.puts, written * 2);
    assert.ok(stored.annotations.unlabeled.startsWith('http://tw.test/r/'));
  });

  it('answers a malformed mask with a 400 that names it before any transaction', async () => {
    const { store, results } = renderer();
    await assert.rejects(results.prepare(task, { ...draft(), mask: encodeIndexRle(3, 2, [1, 1, 7, 1, 2, 2]) }), (error) => {
      assert.ok(error instanceof InvalidRequest);
      assert.match(error.message, /index 7/);
      return true;
    });
    assert.equal(store.puts, 0);
  });

  it('passes through responses of families without result files', async () => {
    const { store, results } = renderer();
    const response = { annotations: [] };
    await results.prepare({ ...task, type: 'imageannotation' }, response);
    assert.equal(await results.record(undefined as any, { ...task, type: 'imageannotation' } as any, response), response);
    assert.equal(store.puts, 0);
  });
});
