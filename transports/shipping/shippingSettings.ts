import type { z } from 'zod';
import { DEFAULT_CHUNK_CHARS } from '../shared/SyncChunkWriter';
import type { SharedResource } from '../shared/TransportDefinition';
import type { ShippingSettings } from './ShippingTransport';
import type { batchOptionsSchema, retryOptionsSchema, spoolOptionsSchema } from './shippingSchema';

/** Append blocks of the same size as the file transport's writes. */
const CHUNK_CHARS = DEFAULT_CHUNK_CHARS;
const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
/** At most one warning about dropped records per this interval, on stderr and in the spool. */
const DROP_WARN_INTERVAL_MS = 10_000;

export interface ParsedShippingOptions {
  readonly spool: z.output<typeof spoolOptionsSchema>;
  readonly batch: z.output<typeof batchOptionsSchema> & { readonly intervalMs?: number };
  readonly retry: z.output<typeof retryOptionsSchema>;
  readonly closeTimeoutMs: number;
}

/**
 * Settings for ShippingTransport from parsed options, less the sink.
 * `spoolFolder` names the spool folder under the default location when
 * `spool.dir` is not given (see resolveSpoolDir); it must differ per
 * destination so that two transports never share a spool. The folder is
 * created here, so one that cannot be is a startup error.
 */
export function shippingSettings(
  options: ParsedShippingOptions,
  identity: { readonly type: string; readonly name: string; readonly loggerName: string; readonly spoolFolder: string },
): Omit<ShippingSettings, 'delivery'> {
  const maxBytes = options.spool.maxBytes;
  // Required here, not imported: the spool's modules load only when a shipping transport is created.
  const { resolveSpoolDir } = require('./spoolDir') as typeof import('./spoolDir');
  const spoolDir = resolveSpoolDir({
    explicit: options.spool.dir,
    folder: identity.spoolFolder,
    service: identity.loggerName,
    env: process.env,
    cwd: process.cwd(),
  });
  return {
    type: identity.type,
    name: identity.name,
    loggerName: identity.loggerName,
    ...(spoolDir.notice ? { notice: spoolDir.notice } : {}),
    spool: {
      dir: spoolDir.dir,
      maxBytes,
      // Eight segments or more under the cap, so delivered space comes back in small steps.
      segmentBytes: Math.max(2 * CHUNK_CHARS, Math.min(MAX_SEGMENT_BYTES, Math.floor(maxBytes / 8))),
      chunkChars: CHUNK_CHARS,
      fsyncIntervalMs: options.spool.fsyncIntervalMs,
      shedAt: options.spool.shedAt,
      whenFull: options.spool.whenFull,
    },
    batch: { maxRecords: options.batch.maxRecords, maxChars: options.batch.maxBytes, ...(options.batch.intervalMs ? { intervalMs: options.batch.intervalMs } : {}) },
    retry: { initialMs: options.retry.initialMs, maxMs: Math.max(options.retry.maxMs, options.retry.initialMs) },
    closeTimeoutMs: options.closeTimeoutMs,
    dropWarnIntervalMs: DROP_WARN_INTERVAL_MS,
  };
}

/**
 * The spool a shipping transport would hold alone in this process (see
 * SharedResource): a second logger shipping through the same folder shares
 * the transport, provided it ships the same way (destination, batching,
 * retries, spool cap) and under the same service name, which the receiver
 * sees (OTLP service.name, syslog APP-NAME).
 */
export function sharedSpool(
  options: Readonly<Record<string, unknown>> & { readonly spool: { readonly dir?: string | undefined }; readonly level?: unknown },
  identity: { readonly loggerName: string; readonly spoolFolder: string },
): SharedResource {
  // Required here, not imported: as in shippingSettings().
  const { chooseSpoolDir } = require('./spoolDir') as typeof import('./spoolDir');
  const { dir } = chooseSpoolDir({ explicit: options.spool.dir, folder: identity.spoolFolder, service: identity.loggerName, env: process.env, cwd: process.cwd() });
  const { level: _level, spool, ...rest } = options;
  const { dir: _dir, ...spoolRest } = spool;
  return {
    key: `spool:${dir}`,
    describe: `the spool ${dir}`,
    settings: { ...rest, spool: spoolRest, loggerName: identity.loggerName },
    whyAgree: 'a spool is appended to by one transport and delivered to one destination, one way, under one service name',
  };
}
