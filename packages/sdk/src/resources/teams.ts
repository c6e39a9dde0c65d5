/** v1 teammates: list, invite, change role. Teammates are account-wide (both environments). */
import type { RequestOptions, Transport } from '../core/transport.ts';
import type { Teammate, TeammateRole } from '../types.ts';

export class Teams {
  constructor(private readonly transport: Transport) {}

  /** Every teammate, the account owner included. */
  list(options?: RequestOptions): Promise<Teammate[]> {
    return this.transport.request({ method: 'GET', path: 'teams', options });
  }

  /** Invites these emails with the role; resolves with all teammates after the invite. */
  invite(emails: string[], role: TeammateRole, options?: RequestOptions): Promise<Teammate[]> {
    return this.transport.request({ method: 'POST', path: 'teams/invite', body: { emails, team_role: role }, options });
  }

  /** Gives existing teammates a new role; resolves with all teammates. */
  setRole(emails: string[], role: TeammateRole, options?: RequestOptions): Promise<Teammate[]> {
    return this.transport.request({ method: 'POST', path: 'teams/set_role', body: { emails, team_role: role }, options });
  }
}
