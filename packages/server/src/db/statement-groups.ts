/** How a group statement and the one-unit statement are run (see StatementGroups). */
export interface GroupRunner<Unit, Result> {
  /** One statement for the whole group; answers each unit's result, in the units' order. All or nothing. */
  runGroup(units: Unit[]): Promise<Result[]>;
  /** One unit alone: a group of one, and every unit again when its group statement failed. */
  runAlone(unit: Unit): Promise<Result>;
}

interface Pending<Unit, Result> {
  unit: Unit;
  resolve(value: Result): void;
  reject(error: unknown): void;
}

/**
 * Sends units (one-statement writes) that arrive together to the database as one multi-row
 * statement, so that concurrent requests share one round trip, one plan and one commit.
 *
 * Units that arrive within one turn of the event loop, or while `maxInFlight` group statements are
 * already in flight, form the next group (at most `maxGroup` units); an idle server sends a group of
 * one at once through `runAlone` (the one-row statement), so paced latency does not grow. Results are
 * handed out only after the statement returned, so nothing is acknowledged before it is committed.
 * If a group statement fails as a whole (any error: a bad row, a deadlock, a lost connection), it
 * wrote nothing, and every unit of it runs again alone, so each gets its own answer.
 *
 * Nothing here is shared across processes: a group holds only the units of this process's waiting
 * requests; every decision (duplicates, project checks, counters) is the statement's, in the database.
 */
export class StatementGroups<Unit, Result> {
  private queue: Array<Pending<Unit, Result>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly runner: GroupRunner<Unit, Result>,
    private readonly maxGroup: number,
    private readonly maxInFlight: number,
  ) {}

  run(unit: Unit): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // After the current turn of the event loop, so the requests that arrived with this one join it.
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      this.inFlight += 1;
      void this.send(group).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  private async send(group: Array<Pending<Unit, Result>>): Promise<void> {
    if (group.length === 1) {
      await settle(group[0], () => this.runner.runAlone(group[0].unit));
      return;
    }
    let results: Result[];
    try {
      results = await this.runner.runGroup(group.map((pending) => pending.unit));
    } catch {
      // The statement wrote nothing: each unit alone, in parallel (the pool runs them side by side).
      await Promise.all(group.map((pending) => settle(pending, () => this.runner.runAlone(pending.unit))));
      return;
    }
    group.forEach((pending, index) => pending.resolve(results[index]));
  }
}

async function settle<Unit, Result>(pending: Pending<Unit, Result>, run: () => Promise<Result>): Promise<void> {
  try {
    pending.resolve(await run());
  } catch (error) {
    pending.reject(error);
  }
}
