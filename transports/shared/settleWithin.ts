/**
 * Resolves when `work` settles or `ms` have passed, whichever comes first,
 * and leaves no timer behind. The timer is not unref'd: whoever awaits this
 * expects the process to wait for it.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work.then(ignore, ignore), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function ignore(): void {}
