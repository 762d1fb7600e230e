import { z } from 'zod';
import { strictOptions } from '../../core/config/schemaHelpers';

/**
 * A dependency check: passes when it returns (or resolves to) anything but
 * `false`, fails when it returns `false`, throws, rejects or takes longer
 * than its timeout. A returned object is shown as the check's `details`.
 */
export type HealthCheck = () => unknown;

export const MAX_TIMEOUT_MS = 60_000;
const isTimeout = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_TIMEOUT_MS;
/** One message for both forms, rather than a union's "invalid input". */
const checkSchema = z.custom<HealthCheck>(
  (v) => {
    if (typeof v === 'function') return true;
    if (typeof v !== 'object' || v === null) return false;
    const { check, timeoutMs, ...rest } = v as Record<string, unknown>;
    return typeof check === 'function' && (timeoutMs === undefined || isTimeout(timeoutMs)) && Object.keys(rest).length === 0;
  },
  { message: `is not a function or { check: function, timeoutMs: 1 to ${MAX_TIMEOUT_MS} }` },
);

/** healthHandler()'s options, checked when a handler is made (healthHandler.ts requires this module then, so importing prodlog does not load zod). */
export const optionsSchema = strictOptions({
  checks: z.record(z.string().min(1), checkSchema).optional(),
  timeoutMs: z.int().min(1).max(MAX_TIMEOUT_MS).default(2_000),
  log: z.unknown().optional(),
  logging: z.boolean().default(true),
});
