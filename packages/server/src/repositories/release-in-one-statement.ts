import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { CompiledStatement } from '../db/compiled-statement.ts';
import { releaseWiths } from './queue.repository.ts';
import { sessionLookupFromRow, sessionReadQuery, type SessionLookup, type SessionReadRow } from './session.repository.ts';

/** What `ReleaseInOneStatement.run` needs: the session token's hash, the admission check's instant and idle window, the sent CSRF token's digest, the lease and the queue's instant. */
export interface ReleaseInOneInput {
  tokenHash: string;
  /** The instant and idle window SessionService.admit will check the session row with (SessionCaller.sessionCheck). */
  session: { now: number; idleMs: number };
  /** sha256 (hex) of the CSRF token the request sent; null when it sent none (then nothing is released). */
  csrfDigest: string | null;
  leaseId: string;
  now: number;
}

type Row = { session: SessionReadRow | null; released: boolean };

/**
 * PostgreSQL: `POST leases/{id}/release` for a session cookie as ONE statement, where the session
 * read and the release (END_LEASE_REQUEUE) took two round trips (a release is 1 cycle in 10 of the
 * queue bench: 3.0 → 2.9 statements per cycle). A release cannot be taken back once another labeler
 * may have claimed the task, so the statement releases only for a caller the request's checks will
 * admit, checked in SQL on the row it reads, with admit's own values:
 * - the session passes SessionService.admit at the instant and idle window admit is then given
 *   (`expires_at > now` and `last_seen_at + idle > now`, the exact negation of admit's refusal);
 * - the CSRF token sent matches the session's (app-auth.ts csrfTokenMatches: non-empty, the same
 *   UTF-8 bytes), compared as sha256 digests so the comparison reveals nothing about the token.
 * The caller then admits the session row (401 or 403 exactly as the hook answered, with nothing
 * released) and answers 409 when it was admitted but nothing was released, as before.
 */
function releaseInOneStatementFor() {
  return new CompiledStatement<Row>(6, (db: Kysely<Database>, tokenHash, sessionNow, idleMs, csrfDigest, leaseId, now) => ({
    compile: () =>
      sql<Row>`with sess as (${sessionReadQuery(db, tokenHash)}),
        admitted as (
          select user_id from sess
          where sess.expires_at > cast(${sessionNow} as bigint) and sess.last_seen_at + cast(${idleMs} as bigint) > cast(${sessionNow} as bigint)
            and encode(sha256(convert_to(sess.csrf_token, 'UTF8')), 'hex') = cast(${csrfDigest} as text)
        ),
        ${releaseWiths(leaseId, sql`(select user_id from admitted)`, now)}
        select (select row_to_json(sess) from sess) as session, exists (select 1 from ended) as released`.compile(db),
  }), { prepared: true });
}

/** PostgreSQL: runs the one-statement release (see releaseInOneStatementFor). */
export class ReleaseInOneStatement {
  private readonly statement = releaseInOneStatementFor();

  constructor(private readonly db: Kysely<Database>) {}

  /** The session row (undefined: none), which the caller must admit at `input.session.now`, and whether the lease was released. */
  async run(input: ReleaseInOneInput): Promise<{ session: SessionLookup | undefined; released: boolean }> {
    const { rows } = await this.statement.execute(this.db, 'postgres', [input.tokenHash, input.session.now, input.session.idleMs, input.csrfDigest, input.leaseId, input.now]);
    const row = rows[0];
    return { session: row.session ? sessionLookupFromRow(row.session) : undefined, released: row.released };
  }
}
