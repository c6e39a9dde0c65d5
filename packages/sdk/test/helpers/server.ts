/** Integration helpers: a real Tagwright server (on each database under test) and SDK clients pointed at it. */
import { after, before } from 'node:test';
import { Tagwright, type ClientOptions } from '../../src/index.ts';
import { LIVE_KEY, TEST_KEY, startTestServer, type TestServer } from '../../../server/test/helpers/server.ts';

export { describeEachDatabase } from '../../../server/test/helpers/databases.ts';
export { LIVE_KEY, TEST_KEY };

export interface SdkServer {
  server: TestServer;
  /** Client with the live key. */
  live: Tagwright;
  /** Client with the test key (tasks complete at once with a synthetic response). */
  test: Tagwright;
  /** Another client on the same server. */
  client(apiKey: string, options?: ClientOptions): Tagwright;
}

/** Starts one server for the enclosing suite and closes it afterwards; read `.current` inside tests. */
export function useSdkServer(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}): { current: SdkServer } {
  const holder = {} as { current: SdkServer };
  before(async () => {
    const server = await startTestServer(dialect, env);
    const client = (apiKey: string, options: ClientOptions = {}) =>
      new Tagwright(apiKey, { baseUrl: `${server.url}/v1`, initialRetryDelayMs: 10, maxRetryDelayMs: 50, ...options });
    holder.current = { server, live: client(LIVE_KEY), test: client(TEST_KEY), client };
  });
  after(async () => {
    await holder.current?.server.close();
  });
  return holder;
}

let counter = 0;
/** A name no other test of the run uses, with characters that need percent-encoding in paths. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix} ${counter}/${Math.random().toString(36).slice(2, 8)}`;
}

/** A plain name (letters, digits, dashes) for places that do not need encoding tests. */
export function plainName(prefix: string): string {
  counter++;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
