import type { Logger } from '../../core/Logger';
import { openLoggers } from '../../core/processHooks';

/**
 * The loggers an endpoint reports on: the ones it was given, or else every
 * logger open in the process when the request comes in (so a logger created
 * after the endpoint is still covered, and a closed one drops out).
 */
export function loggersToReport(given: Logger | readonly Logger[] | undefined): readonly Logger[] {
  if (given !== undefined) return Array.isArray(given) ? given : [given as Logger];
  const out: Logger[] = [];
  for (const bound of openLoggers()) if (bound.log) out.push(bound.log);
  return out;
}
