import type { Environment } from '../db/tables/projects_batches.ts';
import type { Project } from '../repositories/project.repository.ts';

/** How many projects one process remembers for creates; past it the oldest entry goes. */
const LIMIT = 1_000;

export interface RememberedProject {
  project: Project;
  /** md5 (hex) of the stored param_history text, checked again by the create's statement. */
  historyMd5: string;
}

/**
 * Projects by (account, environment, name) as a create last read them, so the next create of the
 * project needs no separate read: it builds its task from the remembered project and its insert
 * checks that the stored project is still that one (TaskRepository.insertUnbatchedChecked; on both
 * databases, since several processes may share a SQLite file too).
 * Nothing read from here is trusted unchecked, so another process changing a project's parameters
 * (or a project going away) costs one more round trip, never a task built from stale parameters.
 * A project's name, type and Studio/Rapid flags never change; only its parameter history does.
 */
export class ProjectCache {
  private readonly entries = new Map<string, RememberedProject>();

  get(accountId: string, environment: Environment, name: string): RememberedProject | undefined {
    return this.entries.get(keyOf(accountId, environment, name));
  }

  set(accountId: string, environment: Environment, name: string, entry: RememberedProject): void {
    const key = keyOf(accountId, environment, name);
    this.entries.delete(key);
    if (this.entries.size >= LIMIT) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }

  delete(accountId: string, environment: Environment, name: string): void {
    this.entries.delete(keyOf(accountId, environment, name));
  }
}

function keyOf(accountId: string, environment: Environment, name: string): string {
  return `${accountId}\u0000${environment}\u0000${name}`;
}
