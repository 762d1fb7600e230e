import { writeStderr } from './writeStderr';
import type { Transport } from './transport';

/**
 * Writes a FATAL record to one transport and tells whether the transport
 * took it: a transport that is closed (fatal() during or after close()) or
 * over its cap counts the record as dropped in its health, by the Transport
 * contract. Only FATAL pays for the two health() calls.
 */
export function writeFatal(transport: Transport, line: string, level: number): boolean {
  const before = droppedBy(transport);
  transport.write(line, level);
  return droppedBy(transport) <= before;
}

/** The FATAL record must not vanish with a closed transport: stderr gets it, naming the transport. */
export function reportRefusedFatal(transport: Transport, line: string): void {
  writeStderr(`prodlog: ${transport.name} is closed or full and refused this FATAL record: ${line.endsWith('\n') ? line : `${line}\n`}`);
}

function droppedBy(transport: Transport): number {
  try {
    return transport.health().dropped;
  } catch {
    return 0;
  }
}
