/**
 * Runs a write that may go to standard output and answers whether its reader stopped early
 * (`tagwright export … | head`): then the export ends quietly, as Unix tools do, instead of failing
 * with EPIPE. Any other error, or any error when writing to a file, is thrown on.
 */
export async function writeUnlessReaderGone(toStdout: boolean, write: () => Promise<void>): Promise<boolean> {
  const ignoreStdoutError = () => {};
  if (toStdout) process.stdout.on('error', ignoreStdoutError);
  try {
    await write();
    return false;
  } catch (error) {
    if (!toStdout || (error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    return true;
  } finally {
    if (toStdout) process.stdout.off('error', ignoreStdoutError);
  }
}
