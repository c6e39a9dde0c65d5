// Loaded with --import by the node:test suites. In each test file's own process (node:test sets
// NODE_TEST_CONTEXT there, not in the runner), it ends the file once it has run longer than
// TAGWRIGHT_TEST_FILE_TIMEOUT_MS (default 15 minutes; the longest file takes about 3): a test or hook
// that never settles while a server or socket keeps the process alive would otherwise hold the whole
// suite, and CI, until CI's own limit (it did once). The runner then reports the file as failed and
// goes on with the next. `--test-timeout` does not do this on every Node version: Node 20 applies it
// to each file, Node 24 to each test inside the file, which leaves a hung `after` hook waiting forever.
if (process.env.NODE_TEST_CONTEXT) {
  const limitMs = Number(process.env.TAGWRIGHT_TEST_FILE_TIMEOUT_MS || 15 * 60_000);
  setTimeout(() => {
    process.stderr.write(`test file watchdog: ${process.argv[1]} still running after ${limitMs} ms; ended so that the suite goes on\n`);
    process.exit(1);
  }, limitMs).unref();
}
