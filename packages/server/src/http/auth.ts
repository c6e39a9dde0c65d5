import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimited, Unauthorized } from '../domain/errors.ts';
import type { ApiRateLimit } from './rate-limit.ts';
import type { AccountService, Caller } from '../services/account.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

/** The API key in `Authorization`: Basic `key:` (password ignored) or Bearer `key`; schemes are case-insensitive. */
export function presentedKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*(basic|bearer)\s+(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  if (match[1].toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon === -1 ? decoded : decoded.slice(0, colon);
  return key || undefined;
}

/**
 * Adds the one onRequest hook of the API scope: authenticate the key, then spend one request of its
 * rate limit, before any parsing or validation. A recently seen key is answered from the account
 * service's memory with no hash, query or promise: the lookup was about a quarter of the CPU of a
 * project get (bench/foundation.bench.ts).
 */
export function requireApiKey(app: FastifyInstance, accounts: AccountService, limiter: ApiRateLimit): void {
  app.decorateRequest('caller', undefined as unknown as Caller);
  const admit = (request: FastifyRequest, caller: Caller, done: (error?: Error) => void) => {
    request.caller = caller;
    const decided = limiter.take(caller.keyId);
    if (decided === 0) return done();
    if (typeof decided === 'number') return refuse(decided, done);
    // Only near its limit (or on first use in this process) does a key's decision wait for the database.
    decided.then((waitSeconds) => (waitSeconds === 0 ? done() : refuse(waitSeconds, done)), done);
  };
  const refuse = (waitSeconds: number, done: (error?: Error) => void) =>
    done(new RateLimited(`This API key has used its ${limiter.perMinute} requests per minute; retry after ${waitSeconds} s.`, waitSeconds));
  app.addHook('onRequest', (request, _reply, done) => {
    const key = presentedKey(request.headers.authorization);
    if (!key) return done(new Unauthorized('Please provide a valid API key in the Authorization header (Basic or Bearer).'));
    const cached = accounts.recentCaller(key);
    if (cached) return admit(request, cached, done);
    accounts.authenticate(key).then(
      (caller) => (caller ? admit(request, caller, done) : done(new Unauthorized('The API key is not valid or has been revoked.'))),
      done,
    );
  });
}
