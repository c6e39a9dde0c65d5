/** Reads a password: the first line of standard input when it is piped (or `--password-stdin`), else a hidden prompt typed twice. */
export async function readPassword(options: { fromStdin: boolean }): Promise<string> {
  if (options.fromStdin || !process.stdin.isTTY) return firstLineOfStdin();
  const first = await hiddenPrompt('New password: ');
  const second = await hiddenPrompt('Repeat the password: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** Reads one line from the terminal without echoing it. */
function hiddenPrompt(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (text: string) => {
      for (const character of text) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003' || character === '\u0004') return finish(new Error('cancelled'));
        if (character === '\u007f' || character === '\b') value = value.slice(0, -1);
        else value += character;
      }
    };
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
