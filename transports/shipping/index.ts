/**
 * What the shipping core offers outside transports/: a read-only look at a
 * spool, for `prodlog spool`. The shipping transports use the core's modules
 * directly.
 */
export { inspectSpool, type SpoolInspection } from './inspectSpool';
export { defaultDeadLetterPath } from './spoolDir';
export type { SpoolPosition } from './SpoolCursor';
