import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Unauthorized } from '../domain/errors.ts';
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

/** Adds an onRequest hook that authenticates every request of this plugin scope before any validation. */
export function requireApiKey(app: FastifyInstance, accounts: AccountService): void {
  app.decorateRequest('caller', undefined as unknown as Caller);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const key = presentedKey(request.headers.authorization);
    if (!key) throw new Unauthorized('Please provide a valid API key in the Authorization header (Basic or Bearer).');
    const caller = await accounts.authenticate(key);
    if (!caller) throw new Unauthorized('The API key is not valid or has been revoked.');
    request.caller = caller;
  });
}
