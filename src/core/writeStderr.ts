/** Writes a notice to stderr; never throws, since logging never throws at the caller and a closed stderr leaves nowhere to report to. */
export function writeStderr(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // stderr itself is closed: nothing to tell.
  }
}
