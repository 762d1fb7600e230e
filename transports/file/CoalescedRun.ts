/**
 * Runs an asynchronous job one at a time. Asking while it runs makes it run
 * once more afterwards (not once per request), so a burst of rotations costs
 * one or two passes over the folder, never overlapping ones.
 */
export class CoalescedRun {
  private running: Promise<void> | undefined;
  private again = false;

  /** `job` must not reject. */
  constructor(private readonly job: () => Promise<void>) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /** Resolves when the job is neither running nor asked for. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.job();
    } while (this.again);
    this.running = undefined;
  }
}
