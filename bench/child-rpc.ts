import { fork, type ChildProcess } from 'node:child_process';

/**
 * A bench server forked into a process of its own (so the load generator never shares its event
 * loop), driven by `{id, cmd, args}` messages; it answers `{id, result}` or `{id, error}`, and
 * message id 0 once it is ready. `stop` sends `stop` and waits for the process to exit.
 */
export interface ChildRpc<Ready> {
  ready: Promise<Ready>;
  call(cmd: string, ...args: unknown[]): Promise<any>;
  stop(): Promise<void>;
}

export function forkChild<Ready>(file: string, args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildRpc<Ready> {
  const child: ChildProcess = fork(file, args, { execArgv: ['--import', 'tsx', ...nodeFlags], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve(value: any): void; reject(error: Error): void }>();
  let nextId = 1;
  const ready = new Promise<Ready>((resolve, reject) => waiting.set(0, { resolve, reject }));
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) entry?.reject(new Error(message.error));
    else entry?.resolve(message.result);
  });
  const call = (cmd: string, ...callArgs: unknown[]) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ id, cmd, args: callArgs });
    });
  return {
    ready,
    call,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('stop');
      await exited;
    },
  };
}
