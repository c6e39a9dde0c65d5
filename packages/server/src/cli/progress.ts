import cliProgress from 'cli-progress';

/**
 * A progress bar on standard error with the rate and the time left. On a terminal it redraws in
 * place; otherwise (logs, CI) it prints a line every 2 seconds. With a total it shows a bar, a
 * percentage and an ETA; without one (standard input) only the counts and the rate.
 */
export class ProgressBar {
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    /** What the bar counts: 'tasks', 'MB' for bytes of an input file, or 'received' for a download of unknown size. */
    private readonly unit: 'tasks' | 'MB' | 'received',
    total: number | undefined,
    enabled: boolean,
  ) {
    if (!enabled) return;
    const format =
      unit === 'received'
        ? `${label} {done} MB received | {elapsed}`
        : total === undefined
        ? `${label} {tasks} tasks | {rate} tasks/s | {elapsed}`
        : `${label} [{bar}] {percentage}% | ${unit === 'MB' ? '{done}/{all} MB | {tasks} tasks' : '{tasks}/{all} tasks'} | {rate} tasks/s | ETA {eta_formatted}`;
    this.bar = new cliProgress.SingleBar(
      { format, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2000, hideCursor: false, etaBuffer: 50, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total ?? 0, 0, this.payload(0, 0, total ?? 0));
  }

  /** `value`: tasks, or bytes read; `tasks`: tasks handled so far. */
  update(value: number, tasks: number): void {
    this.bar?.update(value, this.payload(value, tasks, this.bar.getTotal()));
  }

  stop(): void {
    this.bar?.stop();
  }

  private payload(value: number, tasks: number, total: number): Record<string, string> {
    const seconds = (Date.now() - this.started) / 1000;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    return {
      tasks: tasks.toLocaleString('en-US'),
      rate: seconds > 0 ? Math.round(tasks / seconds).toLocaleString('en-US') : '0',
      elapsed: `${seconds.toFixed(0)}s`,
      done: this.unit === 'tasks' ? String(value) : mb(value),
      all: this.unit === 'MB' ? mb(total) : total.toLocaleString('en-US'),
    };
  }
}
