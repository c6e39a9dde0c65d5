import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { FileTooLarge } from '../../src/storage/file-store.ts';
import { LocalFileStore } from '../../src/storage/local-file-store.ts';

describe('LocalFileStore', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-store-'));
  const store = new LocalFileStore(root);
  const read = async (key: string) => Buffer.concat(await (await store.openRead(key)).toArray()).toString();

  it('keeps nothing of a put over the size limit', async () => {
    await assert.rejects(store.put('big/one', Readable.from([Buffer.alloc(10)]), { maxBytes: 5 }), FileTooLarge);
    await assert.rejects(store.openRead('big/one'), { code: 'ENOENT' });
    assert.deepEqual(fs.readdirSync(path.join(root, '.tmp')), []);
  });

  it('deletes the temporary files of uploads abandoned longer than the given age, and nothing else', async () => {
    const stored = await store.put('files/kept', Readable.from(['hello']), { maxBytes: 100 });
    assert.equal(stored.size, 5);
    const abandoned = path.join(root, '.tmp', 'abandoned.part');
    const running = path.join(root, '.tmp', 'running.part');
    fs.writeFileSync(abandoned, 'half an upload');
    fs.writeFileSync(running, 'an upload still arriving');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    fs.utimesSync(abandoned, twoDaysAgo, twoDaysAgo);

    assert.equal(await store.purgeUnfinished(24 * 60 * 60 * 1000), 1);
    assert.equal(fs.existsSync(abandoned), false);
    assert.equal(fs.existsSync(running), true);
    assert.equal(await read('files/kept'), 'hello');
  });

  it('purges nothing, without failing, before any upload made the temporary folder', async () => {
    const fresh = new LocalFileStore(fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-store-')));
    assert.equal(await fresh.purgeUnfinished(0), 0);
  });
});
