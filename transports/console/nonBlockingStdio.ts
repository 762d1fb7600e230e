import { fstatSync } from 'node:fs';

/**
 * Makes a piped stdout or stderr non-blocking, so that a write to a full
 * pipe answers EAGAIN at once instead of stopping the thread until the reader
 * takes it: a reader that stops reading would otherwise stop the service for
 * good. Node does this itself the first time process.stdout (or stderr) is
 * used on a pipe or socket (libuv opens it non-blocking, and Node restores
 * the flags at exit), so that is what this does. A terminal or a file is left
 * as it is: writing to them does not wait on a reader.
 */
export function makeNonBlocking(fd: 1 | 2): void {
  let piped: boolean;
  try {
    const st = fstatSync(fd);
    piped = st.isFIFO() || st.isSocket();
  } catch {
    return; // closed: writes fail with EBADF and are counted
  }
  if (piped) void (fd === 1 ? process.stdout : process.stderr);
}
