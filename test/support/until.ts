/** Polls `check` until it holds; fails naming `what` after `timeoutMs` (a bound for a stuck test, not a timing claim). */
export async function until(check: () => boolean, what = 'the condition holds', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
