/** One kind of background work: claims and processes due rows, returns how many it handled. */
export interface JobRunner {
  name: string;
  runOnce(): Promise<number>;
  /** Called once the loop has ended, for runners that keep work in flight between passes. */
  stop?(): Promise<void>;
}

export interface WorkerLogger {
  error(object: unknown, message: string): void;
}

/**
 * The worker loop: runs every runner until none has work, then sleeps for the poll interval.
 * State lives in SQL rows, so any number of workers may run and a crash loses nothing.
 */
export class Worker {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A nudge that arrived while a pass was running: the next sleep is skipped. */
  private nudged = false;

  constructor(
    private readonly runners: JobRunner[],
    private readonly pollMs: number,
    private readonly log: WorkerLogger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Ends the current sleep so that freshly written rows are picked up at once. */
  nudge(): void {
    if (this.wake) this.wake();
    else this.nudged = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    for (const runner of this.runners) {
      try {
        await runner.stop?.();
      } catch (error) {
        this.log.error({ err: error, runner: runner.name }, 'background job failed to stop cleanly');
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      let handled = 0;
      for (const runner of this.runners) {
        try {
          handled += await runner.runOnce();
        } catch (error) {
          this.log.error({ err: error, runner: runner.name }, 'background job failed');
        }
      }
      if (handled === 0 && this.running) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
