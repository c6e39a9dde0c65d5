import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer } from '../helpers/server.ts';

function get(url: string, headers: Record<string, string> = {}) {
  return fetch(url, { headers, redirect: 'manual' });
}

describeEachDatabase('Web UI serving, when the UI is not built', (dialect) => {
  const server = useTestServer(dialect, { TAGWRIGHT_WEB_DIR: path.join(os.tmpdir(), 'tagwright-no-such-web-dist') });

  it('redirects a browser from / to /ui/ with a 302', async () => {
    const response = await get(`${server.current.url}/`, { accept: 'text/html' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/ui/');
  });

  it('answers /ui/ and any page under it with an HTML page saying how to build the UI', async () => {
    for (const page of ['/ui/', '/ui', '/ui/projects/42']) {
      const response = await get(server.current.url + page);
      assert.equal(response.status, 200, page);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await response.text(), /npm run build -w @tagwright\/web/);
    }
  });
});

describeEachDatabase('Web UI serving, with a built UI', (dialect) => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-web-dist-'));
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Tagwright UI</title><div id="root"></div>');
  fs.writeFileSync(path.join(dist, 'assets', 'app-1a2b3c.js'), 'console.log("app")');
  after(() => fs.rmSync(dist, { recursive: true, force: true }));
  const server = useTestServer(dialect, { TAGWRIGHT_WEB_DIR: dist });

  it('serves index.html at /ui/ without long caching', async () => {
    const response = await get(`${server.current.url}/ui/`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<title>Tagwright UI<\/title>/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
  });

  it('serves hashed assets with a long immutable cache', async () => {
    const response = await get(`${server.current.url}/ui/assets/app-1a2b3c.js`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'console.log("app")');
    assert.match(response.headers.get('cache-control') ?? '', /immutable/);
  });

  it("answers the app's own pages under /ui/ with index.html, so its router can show them", async () => {
    const response = await get(`${server.current.url}/ui/queue/project%20a/tasks`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Tagwright UI/);
  });

  it('answers a missing file under /ui/ with 404 rather than the page', async () => {
    const response = await get(`${server.current.url}/ui/assets/missing.js`);
    assert.equal(response.status, 404);
  });

  it('leaves the root v1 paths to the API: /projects still needs a key and answers JSON', async () => {
    const response = await get(`${server.current.url}/projects`, { accept: 'text/html' });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal((await get(`${server.current.url}/`)).status, 302);
  });
});
