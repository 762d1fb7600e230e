/**
 * `flush()` for transports whose writes are synchronous: writing out what is
 * pending is all there is to do, so the promise is already settled work.
 */
export function flushAfterSync(writeOut: () => void): Promise<void> {
  writeOut();
  return Promise.resolve();
}
