import { z } from 'zod';
import { strictOptions } from '../../src/core/config/schemaHelpers';
import { parseSize } from '../../src/core/config/parseSize';
import { DEFAULT_RETRY } from './Backoff';

/** Defaults of the options every shipping transport shares; docs/shipping.md lists them for users. */
export const SHIPPING_DEFAULTS = {
  spoolMaxBytes: 256 * 1024 * 1024,
  fsyncIntervalMs: 200,
  batchMaxRecords: 1_000,
  batchMaxBytes: 1024 * 1024,
  batchIntervalMs: 100,
  retryInitialMs: DEFAULT_RETRY.initialMs,
  retryMaxMs: DEFAULT_RETRY.maxMs,
  closeTimeoutMs: 5_000,
  dropWarnIntervalMs: 10_000,
} as const;

/**
 * A byte count: a positive integer, or a size string as everywhere else in
 * the config ("512K", "256M", "1G"; see parseSize).
 */
export const sizeSchema = z.union([z.int().min(1), z.string()]).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseSize(value);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is not a size like "256M" (a number of bytes, or digits with K, M, G or T)' });
    return z.NEVER;
  }
  return bytes;
});

/**
 * The least spool cap: the spool appends blocks of up to 64 KiB into segments
 * of at least two blocks, and deletes whole segments only; a cap under two
 * such segments would hold one or less and drop records while it is in
 * delivery.
 */
export const MIN_SPOOL_BYTES = 256 * 1024;

export const spoolOptionsSchema = strictOptions({
  /** The spool folder (created 0700); one per transport and process. */
  dir: z.string().min(1).optional(),
  /** Cap on the spool's size on disk; past it new records are dropped and counted. */
  maxBytes: sizeSchema.refine((bytes) => bytes >= MIN_SPOOL_BYTES, { message: 'is below 256K, the least a spool can work with (two segments of two 64K blocks)' }).optional(),
  /** How often appended records are fsynced (besides flush, close and FATAL). */
  fsyncIntervalMs: z.int().min(1).max(60_000).default(SHIPPING_DEFAULTS.fsyncIntervalMs),
});

export const batchOptionsSchema = strictOptions({
  maxRecords: z.int().min(1).max(100_000).default(SHIPPING_DEFAULTS.batchMaxRecords),
  maxBytes: sizeSchema.default(SHIPPING_DEFAULTS.batchMaxBytes),
  /** A batch that is not full waits until this long after the previous send; 0 sends at once. */
  intervalMs: z.int().min(0).max(600_000).default(SHIPPING_DEFAULTS.batchIntervalMs),
});

export const retryOptionsSchema = strictOptions({
  initialMs: z.int().min(1).max(600_000).default(SHIPPING_DEFAULTS.retryInitialMs),
  maxMs: z.int().min(1).max(3_600_000).default(SHIPPING_DEFAULTS.retryMaxMs),
});

/** The keys every shipping transport accepts besides its own. */
export const shippingOptionsShape = {
  spool: spoolOptionsSchema.prefault({}),
  batch: batchOptionsSchema.prefault({}),
  retry: retryOptionsSchema.prefault({}),
  /** How long close() waits for delivery of the backlog; what is left is delivered after the next start. */
  closeTimeoutMs: z.int().min(0).max(600_000).default(SHIPPING_DEFAULTS.closeTimeoutMs),
};
