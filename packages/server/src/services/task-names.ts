/** How many project and how many batch names one process remembers; past it the oldest entry goes. */
const LIMIT = 10_000;

/**
 * Project and batch names by id, for `GET task/{id}`: the get reads the task row alone (a primary-key
 * lookup) and takes the names from here, instead of joining projects and batches on every read.
 * On PostgreSQL the join cost about a third more backend CPU per get (bench/task-statements-pg.bench.ts).
 *
 * Safe across processes because a remembered entry can never be wrong, not merely because it is
 * checked: a project's or batch's name is fixed when it is created (no route, service or repository
 * renames one; `test/tasks/task-names.test.ts` fails if a repository starts writing a name), neither
 * is ever deleted, and ids are never reused. A name this process has not seen is read once (one more
 * statement) and then remembered. If renames are ever added, this memory must go or be checked the
 * way ProjectCache's is.
 */
export class TaskNames {
  private readonly projects = new Map<string, string>();
  private readonly batches = new Map<string, string>();

  project(id: string): string | undefined {
    return this.projects.get(id);
  }

  /** null for a task outside a batch; undefined when not remembered. */
  batch(id: string | null): string | null | undefined {
    return id === null ? null : this.batches.get(id);
  }

  remember(projectId: string, projectName: string, batchId: string | null, batchName: string | null): void {
    remember(this.projects, projectId, projectName);
    if (batchId !== null && batchName !== null) remember(this.batches, batchId, batchName);
  }
}

function remember(map: Map<string, string>, id: string, name: string): void {
  if (map.has(id)) return;
  if (map.size >= LIMIT) map.delete(map.keys().next().value!);
  map.set(id, name);
}
