import { statfsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/**
 * Memory this process can use: the cgroup limit when there is one (a
 * container), else the machine's memory. Node reports "no limit" as 0 or as
 * a huge number, depending on the platform.
 */
export function memoryAvailable(): number {
  const total = totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : undefined;
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

/** Bytes an unprivileged process may still write on the file system holding `path`; undefined if it cannot be read. */
export function diskFree(path: string): number | undefined {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export function cpusAvailable(): number {
  return availableParallelism();
}
