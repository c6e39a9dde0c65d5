import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';
import { useTestServer, TEST_KEY } from '../helpers/server.ts';
import { isPrivateAddress, privateRefusingLookup, refuseReason } from '../../src/outbound/address-guard.ts';
import { OutboundClient } from '../../src/outbound/outbound-client.ts';
import { CallbackReceiver, waitUntil } from './fixtures.ts';

// Every other suite allows private outbound (its receivers live on loopback); these run the secure
// default. Live requests only ever aim at loopback: the other private ranges are checked without
// sending a packet, so a broken guard could never send traffic to them.

describe('The outbound address guard', () => {
  it('classes loopback, private, link-local, CGNAT, multicast and unspecified addresses as private, v4 and v6', () => {
    const privateAddresses = [
      '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
      '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1',
    ];
    for (const address of privateAddresses) assert.equal(isPrivateAddress(address), true, address);
    for (const address of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      assert.equal(isPrivateAddress(address), false, address);
    }
  });

  it('refuses URLs that name or resolve to a private address, and other schemes, unless private targets are allowed', async () => {
    for (const url of ['http://127.0.0.1/x', 'http://[::1]:8080/x', 'http://localhost/x', 'http://10.1.2.3/x', 'https://[fd00::1]/x', 'http://169.254.169.254/latest/meta-data']) {
      assert.match((await refuseReason(new URL(url), false)) ?? '', /private address/, url);
    }
    assert.match((await refuseReason(new URL('file:///etc/passwd'), false)) ?? '', /unsupported URL scheme/);
    assert.equal(await refuseReason(new URL('http://127.0.0.1/x'), true), undefined);
  });

  it('refuses a name that resolves to a private address at connect time too (a second lookup cannot rebind it)', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => privateRefusingLookup('localhost', { all: true }, (failure) => resolve(failure)));
    assert.equal(error?.code, 'EPRIVATEADDRESS');
    assert.match(error?.message ?? '', /private address/);
  });
});

describeEachDatabase('Outbound requests with the default guard', (dialect) => {
  // Three quick retries on the schedule: a refusal must use none of them.
  const server = useTestServer(dialect, { TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND: 'false', TAGWRIGHT_CALLBACK_SCHEDULE: '0.05,0.05,0.05' });
  let receiver: CallbackReceiver;
  let redirector: http.Server;
  let redirectorHits = 0;
  before(async () => {
    receiver = await CallbackReceiver.start();
    redirector = http.createServer((_request, response) => {
      redirectorHits++;
      response.writeHead(302, { location: `${receiver.url}/moved.png` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await receiver?.close();
    await new Promise((resolve) => redirector?.close(resolve));
  });

  it('never sends a callback to loopback (by address, IPv6 or a name that resolves to it), gives up at the first refusal and logs why', async () => {
    const port = new URL(receiver.url).port;
    for (const host of ['127.0.0.1', '[::1]', 'localhost']) {
      const created = await server.current.request('POST', '/v1/task/categorization', {
        key: TEST_KEY,
        body: { callback_url: `http://${host}:${port}/callback`, attachment: 'https://example.com/cat.jpg', categories: ['cat', 'dog'] },
      });
      assert.equal(created.status, 200, created.text);
      const taskId = created.body.task_id;
      await waitUntil(async () => (await server.current.request('GET', `/v1/task/${taskId}`, { key: TEST_KEY })).body.callback_succeeded === false, { what: `the callback to ${host} to be given up` });
      const log = await server.current.request('GET', `/app/api/tasks/${taskId}/deliveries`, { key: TEST_KEY });
      // A refusal by policy is permanent: one attempt, no retry, and the log says so.
      assert.equal(log.body.attempts.length, 1, `${host}: ${JSON.stringify(log.body.attempts)}`);
      const [attempt] = log.body.attempts;
      assert.equal(attempt.status_code, undefined, host);
      assert.match(attempt.error, /refusing to reach private address .*refused by policy, so not retried/, host);
    }
    assert.equal(receiver.received.length, 0, 'no request reached the loopback receiver');
  });

  it('fails a file import from loopback with the reason, and reaches nothing', async () => {
    for (const url of [`${receiver.url}/photo.png`, `http://localhost:${new URL(receiver.url).port}/photo.png`]) {
      const response = await server.current.request('POST', '/files/import', { body: { file_url: url } });
      assert.equal(response.status, 200, response.text);
      let file: any;
      await waitUntil(async () => {
        file = (await server.current.request('GET', `/files/${response.body.id}`)).body;
        return file.state !== 'importing';
      }, { what: 'the import to finish' });
      assert.equal(file.state, 'failed', url);
      assert.match(file.error, /refusing to reach private address/, url);
    }
    assert.equal(receiver.received.length, 0);
  });

  it('follows no redirect on a download, so an allowed source cannot hand the request on to another address', async () => {
    // Private targets are allowed for this one client so that the redirecting source itself can be reached.
    const client = new OutboundClient({ allowPrivate: true, timeoutMs: 5_000, maxResponseBytes: 1024, userAgent: 'test' });
    try {
      const chunks: Buffer[] = [];
      const sink = new (await import('node:stream')).Writable({ write: (chunk, _encoding, done) => (chunks.push(chunk), done()) });
      const { port } = redirector.address() as AddressInfo;
      await assert.rejects(client.download(`http://127.0.0.1:${port}/photo.png`, sink, 1024), /HTTP 302/);
      assert.equal(redirectorHits, 1);
      assert.equal(receiver.received.length, 0, 'the redirect target was never asked');
    } finally {
      await client.close();
    }
  });
});
