import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * How much less CPU priority delivery gets than the service: under CPU
 * contention (two cores shared by the service, its receivers and delivery)
 * the service's thread is scheduled first, and delivery catches up from the
 * spool when the CPU is free. Nice 10 still gives it about a tenth of a
 * contended core, so it never stops.
 */
export const DELIVERY_NICE = 10;

/**
 * Lowers the priority of the calling thread only (Linux: setpriority on the
 * thread's own id, found through /proc/thread-self). Elsewhere, or where the
 * process may not change it, it does nothing: priority is an optimisation,
 * never a condition for delivery.
 */
export function lowerThreadPriority(nice: number = DELIVERY_NICE): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
