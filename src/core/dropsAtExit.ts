import { writeStderr } from './writeStderr';

/** What a logger tells about the records it dropped because they came after close(). */
export interface DropSource {
  readonly name: string;
  readonly droppedAfterClose: number;
}

const sources = new Set<DropSource>();
let listening = false;

/**
 * Reports, when the process exits, how many records each logger dropped
 * after close(): a record logged once the transports closed has nowhere to
 * go, and its loss must not be silent. Called on a logger's first drop, so
 * only loggers that dropped something are kept until exit.
 */
export function reportDropsAtExit(source: DropSource): void {
  sources.add(source);
  if (listening) return;
  listening = true;
  process.on('exit', () => {
    for (const s of sources) {
      const n = s.droppedAfterClose;
      if (n > 0) writeStderr(`prodlog: ${n} ${n === 1 ? 'record was' : 'records were'} logged to ${JSON.stringify(s.name)} after close() and dropped\n`);
    }
  });
}
