import { z } from 'zod';
import { expectedWords } from '../../src/core/config/describeIssues';
import { unitOptions } from '../../src/core/config/unitOptions';

/**
 * The least spool cap: the spool appends blocks of up to 64 KiB into segments
 * of at least two blocks, and deletes whole segments only; a cap under two
 * such segments would hold one or less and drop records while it is in
 * delivery.
 */
export const MIN_SPOOL_BYTES = 256 * 1024;

const FRACTION = 'a fraction of spool.maxBytes above 0 and at most 1, like 0.8';

/**
 * shedAt: past this fraction of maxBytes of undelivered records, records
 * below warn are dropped (and counted) and warn and above kept until the cap;
 * 1 sheds nothing before the cap.
 */
const shedAt = z
  .number({ error: (issue) => (issue.code === 'invalid_type' ? expectedWords(FRACTION) : undefined) })
  .refine((n) => n > 0 && n <= 1, { message: `is not ${FRACTION} (1: no shedding before the cap)` })
  .default(0.8);

/** whenFull: at maxBytes, drop the new record ("drop-newest") or delete the oldest undelivered segment to make room ("drop-oldest"). */
const whenFull = z.enum(['drop-newest', 'drop-oldest']).default('drop-newest');

export const spoolOptionsSchema = unitOptions(
  /** The spool folder (created 0700); one per transport and process. */
  { dir: z.string().min(1).optional(), shedAt, whenFull },
  {
    /** fsyncInterval: how often appended records are fsynced (besides flush, close and FATAL). */
    durations: { fsyncInterval: { min: 1, max: 60_000, default: 200 } },
    /** maxBytes: the cap on the spool's size on disk; past it new records are dropped and counted, or with whenFull "drop-oldest" the oldest undelivered segment. */
    sizes: {
      maxBytes: {
        min: MIN_SPOOL_BYTES,
        default: 256 * 1024 * 1024,
        belowMin: 'is below 256K, the least a spool can work with (two segments of two 64K blocks)',
      },
    },
  },
);

/** batch.maxRecords, whose default differs per kind of shipper. */
export const batchMaxRecords = (defaultRecords: number) => z.int().min(1).max(100_000).default(defaultRecords);

/** batch.interval: a batch that is not full waits until this long after the previous send; "0s" sends at once. */
export const batchInterval = (defaultMs: number) => ({ interval: { min: 0, max: 600_000, default: defaultMs } }) as const;

export const batchOptionsSchema = unitOptions(
  { maxRecords: batchMaxRecords(1_000) },
  { durations: batchInterval(100), sizes: { maxBytes: { min: 1, default: 1024 * 1024 } } },
);

/** retry.initial is the first pause after a failure, retry.max the longest, where the doubling stops. */
export const RETRY_DURATIONS = {
  initial: { min: 1, max: 600_000, default: 100 },
  max: { min: 1, max: 3_600_000, default: 30_000 },
} as const;

export const retryOptionsSchema = unitOptions({}, { durations: RETRY_DURATIONS });

/** closeTimeout: how long close() waits for delivery of the backlog; what is left is delivered after the next start. */
export const CLOSE_TIMEOUT = { closeTimeout: { min: 0, max: 600_000, default: 5_000 } } as const;

/** The keys every shipping transport accepts besides its own; CLOSE_TIMEOUT joins the transport's own durations. */
export const shippingOptionsShape = {
  spool: spoolOptionsSchema.prefault({}),
  batch: batchOptionsSchema.prefault({}),
  retry: retryOptionsSchema.prefault({}),
};
