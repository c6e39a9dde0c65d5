import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Forbidden, Unauthorized } from '../domain/errors.ts';
import type { Environment } from '../db/tables/projects_batches.ts';
import type { TeamRole } from '../repositories/user.repository.ts';
import type { Services } from '../services/container.ts';
import { csrfTokenMatches, type ActiveSession } from '../services/session.service.ts';
import type { SessionLookup } from '../repositories/session.repository.ts';
import { sha256 } from '../domain/ids.ts';
import { presentedKey } from './auth.ts';
import { handleError } from './errors.ts';

export const SESSION_COOKIE = 'tw_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Who is calling the app API: a signed-in teammate, or an API key (which acts as the account's admin). */
export interface AppUser {
  /** Absent when the caller is an API key. */
  userId?: string;
  email?: string;
  accountId: string;
  role: TeamRole;
  /** Sessions work in live; an API key keeps the environment its key selects. */
  environment: Environment;
  via: 'session' | 'api_key';
}

declare module 'fastify' {
  interface FastifyRequest {
    appUser: AppUser;
    /** Set when the request was authenticated by the session cookie. */
    appSession: ActiveSession | undefined;
    /**
     * Set, instead of appUser, caller and appSession, while a session cookie is still to be checked
     * by the route's first statement (routes with `config: SESSION_IN_STATEMENT`, PostgreSQL).
     */
    pendingSession: PendingSession | undefined;
  }
  interface FastifyContextConfig {
    /** See SESSION_IN_STATEMENT. */
    sessionInStatement?: boolean;
  }
}

/** A session cookie not yet checked: the token, and its hash (the session's id). */
export interface PendingSession {
  token: string;
  tokenHash: string;
}

/**
 * Route config (`{ config: SESSION_IN_STATEMENT }`) of a route whose first statement reads the
 * session itself on PostgreSQL, one round trip less (`queue/next`, a submission, a release). There the hook
 * leaves the session cookie unchecked (request.pendingSession); the route must call
 * admitPendingSession with the row its statement read, or readPendingSession, before it acts. An
 * error thrown before that (a body that does not parse or validate, a bad parameter) reads and
 * checks the session first, so every request answers exactly what it answered with the hook's read:
 * 401 for an ended session, 403 for a missing CSRF token, only then the error.
 */
export const SESSION_IN_STATEMENT = { sessionInStatement: true } as const;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when cookies set for this request must carry `Secure`: the request came over https, or the public URL is https. */
export function cookiesAreSecure(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return request.protocol === 'https' || Boolean(publicUrl && /^https:/i.test(publicUrl));
}

/** Scripts cannot read the session cookie (HttpOnly) and other sites cannot send it on writes (SameSite=Lax). */
const SESSION_COOKIE_ATTRIBUTES = { path: '/', httpOnly: true, sameSite: 'lax' } as const;

/** Sets the session cookie (through @fastify/cookie, registered on the /app/api scope). */
export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, services: Services, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    ...SESSION_COOKIE_ATTRIBUTES,
    maxAge: Math.floor(services.sessions.cookieMaxAgeSeconds),
    secure: cookiesAreSecure(request, services.config.publicUrl),
  });
}

/** Deletes the session cookie: empty, Max-Age=0 and an Expires in 1970 for older browsers. */
export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, services: Services): void {
  reply.setCookie(SESSION_COOKIE, '', { ...SESSION_COOKIE_ATTRIBUTES, maxAge: 0, expires: new Date(0), secure: cookiesAreSecure(request, services.config.publicUrl) });
}

/** The session token the browser sent, or undefined. */
export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE] || undefined;
}

/**
 * Authenticates every request of this plugin scope before validation: by API key when an
 * Authorization header is sent, otherwise by the session cookie. Cookie-authenticated writes must
 * echo the session's CSRF token in `x-csrf-token` (403 otherwise). Sets `request.appUser`,
 * `request.caller` (so app routes can call the same services as the v1 API) and `request.appSession`.
 */
export function authenticateAppRequests(app: FastifyInstance, services: Services): void {
  app.decorateRequest('appUser', undefined as unknown as AppUser);
  app.decorateRequest('appSession', undefined);
  app.decorateRequest('caller', undefined as unknown as FastifyRequest['caller']);
  app.decorateRequest('pendingSession', undefined);
  const foldable = services.db.dialect.name === 'postgres';
  app.setErrorHandler(async (error, request, reply) => {
    if (request.pendingSession) {
      try {
        await readPendingSession(request, reply, services);
      } catch (refused) {
        handleError(refused as Error, request, reply);
        return reply;
      }
    }
    handleError(error as Error, request, reply);
    return reply;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== undefined) {
      const key = presentedKey(request.headers.authorization);
      if (!key) throw new Unauthorized('Please provide a valid API key in the Authorization header (Basic or Bearer), or sign in.');
      const caller = await services.accounts.authenticate(key);
      if (!caller) throw new Unauthorized('The API key is not valid or has been revoked.');
      request.caller = caller;
      request.appUser = { accountId: caller.account.id, role: 'admin', environment: caller.environment, via: 'api_key' };
      return;
    }
    const token = sessionToken(request);
    if (!token) throw new Unauthorized('Please sign in: this request carried neither a session cookie nor an API key.');
    if (foldable && request.routeOptions.config.sessionInStatement) {
      request.pendingSession = { token, tokenHash: sha256(token) };
      return;
    }
    admitSession(request, reply, services, await services.sessions.authenticate(token));
  });
}

/**
 * For a SESSION_IN_STATEMENT route: checks the session row its first statement read (undefined:
 * none) as the hook checks every session (at `at` when the statement checked it at that instant,
 * SessionService.admissionCheck), then sets appUser, caller and appSession; throws the hook's 401 or 403.
 */
export async function admitPendingSession(request: FastifyRequest, reply: FastifyReply, services: Services, found: SessionLookup | undefined, at?: number): Promise<void> {
  admitSession(request, reply, services, await services.sessions.admit(found, at));
}

/** For a SESSION_IN_STATEMENT route on a path without such a statement: reads and checks the session on its own (a no-op when it is checked). */
export async function readPendingSession(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<void> {
  const pending = request.pendingSession;
  if (pending) admitSession(request, reply, services, await services.sessions.authenticate(pending.token));
}

function admitSession(request: FastifyRequest, reply: FastifyReply, services: Services, session: ActiveSession | undefined): void {
  request.pendingSession = undefined;
  if (!session) {
    clearSessionCookie(reply, request, services);
    throw new Unauthorized('Your session has ended (signed out or expired); please sign in again.');
  }
  if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(sentCsrfToken(request), session.csrfToken)) {
    throw new Forbidden(`Missing or wrong '${CSRF_HEADER}' header: send the csrfToken from sign-in (or GET /app/api/session) with every write.`);
  }
  request.appSession = session;
  request.caller = { account: session.account, environment: 'live', keyId: '' };
  request.appUser = { userId: session.user.id, email: session.user.email, accountId: session.account.id, role: session.user.role, environment: 'live', via: 'session' };
}

/** The CSRF token the request sent (the header's first value), as admitSession checks it. */
function sentCsrfToken(request: FastifyRequest): string | undefined {
  return headerValue(request.headers[CSRF_HEADER]);
}

/**
 * sha256 (hex, of its UTF-8 bytes) of the CSRF token the request sent, or null when it sent none or
 * an empty one: for SQL that must allow a write only when admitSession's CSRF check will pass
 * (csrfTokenMatches compares the same UTF-8 bytes, and refuses an empty token).
 */
export function sentCsrfDigest(request: FastifyRequest): string | null {
  const sent = sentCsrfToken(request);
  return sent ? sha256(sent) : null;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const ROLE_LABELS: Record<TeamRole, string> = { labeler: 'labeler', member: 'member', manager: 'manager', admin: 'admin' };

/**
 * A preHandler that lets through only the listed roles (admins always pass: they can do everything
 * the others can). Use inside a scope that ran authenticateAppRequests:
 * `app.post('/x', { preHandler: requireRole('manager', 'member') }, handler)`.
 */
export function requireRole(...roles: TeamRole[]): preHandlerAsyncHookHandler {
  const allowed = new Set<TeamRole>([...roles, 'admin']);
  return async function checkRole(request: FastifyRequest) {
    const user = request.appUser;
    if (!user) throw new Unauthorized('Please sign in.');
    if (!allowed.has(user.role)) {
      const names = [...allowed].map((role) => ROLE_LABELS[role]).join(', ');
      throw new Forbidden(`This action needs one of the roles ${names}; you are signed in as ${ROLE_LABELS[user.role]}.`);
    }
  };
}

/** Role groups the app routes use most. */
export const ROLES = {
  anyone: ['labeler', 'member', 'manager', 'admin'] as TeamRole[],
  reviewers: ['member', 'manager', 'admin'] as TeamRole[],
  admins: ['admin'] as TeamRole[],
};
