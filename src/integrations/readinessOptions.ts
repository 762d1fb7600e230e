import { z } from 'zod';
import { strictOptions } from '../core/config/schemaHelpers';
import { parseSize } from '../core/config/parseSize';
import { sizeSetting } from '../core/config/sizeSetting';
import { toggle } from '../core/config/toggle';
import { SHUTDOWN_SIGNALS } from './shutdownSignals';
import { LEVEL_SIGNALS } from './levelSignals';

// In a module of their own, so that src/index.ts exports them without loading these schemas (and zod).
export { SHUTDOWN_SIGNALS, type ShutdownSignal } from './shutdownSignals';

/** A limit written as a size ("1G") or as a fraction (0.9) of what is available. */
const sizeOrFraction = z
  .custom<number | string>(
    (v) => (typeof v === 'number' && v > 0 && v < 1) || (typeof v === 'string' && parseSize(v) !== undefined),
    { message: 'is not a size like "1G" or a fraction like 0.9' },
  )
  .transform((v) => (typeof v === 'number' ? { fraction: v } : { bytes: parseSize(v) ?? 0 }));

/**
 * The configuration keys of the production-readiness features. They join the
 * logger's own schema, so a typo or a bad value fails at startup like any
 * other key.
 */
export const readinessConfigShape = {
  /** Log a `startup` record (version, node, effective level, transports) when the logger is created. */
  startup: z.boolean().default(false),
  /** Graceful shutdown on signals: log `shutdown`, run onShutdown hooks, flush and close, exit 0. */
  shutdown: toggle(
    true,
    { signals: z.array(z.enum(SHUTDOWN_SIGNALS)).min(1).default(['SIGTERM', 'SIGINT']) },
    /** timeout: the bound on the whole shutdown (hooks, flush, close); past it the process exits with code 1. */
    { timeout: { min: 0, max: 600_000, default: 10_000 } },
  ),
  /** Turn Node's process warnings (deprecations included) into warn records. */
  warnings: z.boolean().default(true),
  /** Rate-limited warn records for event-loop delay, heap, RSS and free disk space. */
  watchdog: toggle(false, {
    /** Fraction of the V8 heap limit in use above which to warn (resource); 0 turns it off. */
    heapUsed: z.number().min(0).lt(1).default(0.9),
    /** Resident set size above which to warn (resource): a size, or a fraction of the memory available. */
    rss: sizeOrFraction.optional(),
    /** Free space on `path` (default: the folder of the first file transport) below which to warn (resource). */
    diskFree: strictOptions({ path: z.string().min(1).optional(), min: sizeSetting }).optional(),
  }, {
    interval: { min: 10, max: 3_600_000, default: 10_000 },
    /** repeat: a condition that stays true is warned about at most once per this interval. */
    repeat: { min: 0, max: 86_400_000, default: 300_000 },
    /** eventLoopDelay: the 99th percentile event-loop delay over an interval above which to warn (performance); "0s" turns it off. */
    eventLoopDelay: { min: 0, max: 600_000, default: 500 },
  }),
  /** Add `trace_id`, `span_id` and `trace_flags` of the active span when @opentelemetry/api is installed. */
  trace: z.boolean().default(true),
  /** A signal that turns debug on for the whole tree for `ttl`, and off again on the next one: "SIGUSR2", true (SIGUSR2), or { signal, ttl }. */
  levelSignal: withSignalShorthand(
    toggle(
      false,
      { signal: z.enum(LEVEL_SIGNALS).default('SIGUSR2') },
      /** ttl: how long debug stays on after the signal. */
      { ttl: { min: 1_000, max: 7 * 86_400_000, default: 600_000 } },
    ),
  ),
};

/** `"SIGUSR2"` is short for `{ "signal": "SIGUSR2" }`. */
function withSignalShorthand<Out, In>(schema: z.ZodType<Out, In>) {
  const shorthand = z.preprocess((v, ctx) => {
    if (typeof v !== 'string') return v;
    if ((LEVEL_SIGNALS as readonly string[]).includes(v)) return { signal: v };
    ctx.addIssue({ code: 'custom', input: v, message: `is not one of ${LEVEL_SIGNALS.join(', ')} (or true, false, or { signal, ttl })` });
    return z.NEVER;
  }, schema);
  return (shorthand as unknown as z.ZodType<Out, In | (typeof LEVEL_SIGNALS)[number]>).prefault(false as In);
}

export type WatchdogConfig = z.output<(typeof readinessConfigShape)['watchdog']>;

/** The readiness keys of a resolved configuration. */
export type ReadinessConfig = { readonly [Key in keyof typeof readinessConfigShape]: z.output<(typeof readinessConfigShape)[Key]> };
