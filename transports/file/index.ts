import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { levelSettingSchema, strictOptions } from '../../src/core/config/schemaHelpers';
import { durationAtLeast, durationSetting } from '../../src/core/config/durationSetting';
import { sizeSetting } from '../../src/core/config/sizeSetting';
import { formatSizeExactly } from '../../src/core/config/formatSize';
import { formatDuration } from '../../src/core/config/parseDuration';
import { checkLineFormat, lineFormatFor, lineFormatShape } from '../shared/lineFormats/lineFormatOptions';
import type { TransportDefinition } from '../shared/TransportDefinition';
import { logPathProblem } from './logPathProblem';
import { REOPEN_SIGNALS } from './reopenSignals';
import { rotateSizeSetting } from './rotateSizeSetting';

/** The options of `rotate`; docs/rotation.md is the user's reference for each. */
const rotateSchema = strictOptions({
  /** Rotate before the file would grow past this size: "500K", "10M", "1G"; at least "4K". */
  size: rotateSizeSetting.optional(),
  /** Rotate at the end of each period, counted in UTC: "1h", "1d", "7d". */
  interval: durationAtLeast(1000, '1s', '1d').optional(),
  /** Compress rotated files to .gz in the background. */
  compress: z.literal(['gzip', false]).optional(),
  /** Rotated files kept beside the active file (the active file is not counted). */
  maxFiles: z.int().min(1).max(1_000_000).optional(),
  /** Rotated files whose last record is older than this are deleted: "14d". */
  maxAge: durationSetting.optional(),
  /** The rotated files together stay within this size: "2G". */
  maxTotalSize: sizeSetting.optional(),
}).refine((r) => r.size !== undefined || r.interval !== undefined, {
  message: 'needs "size" or "interval" (or both): without one the file never rotates',
});

const schema = strictOptions({
  type: z.literal('file'),
  level: levelSettingSchema.optional(),
  /** The log file; parent folders are created. Relative paths resolve against the working directory. */
  path: z
    .string()
    .min(1)
    .superRefine((path, ctx) => {
      const problem = logPathProblem(path);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
  rotate: rotateSchema.optional(),
  /** Without `rotate`: reopen the file on this signal (logrotate's postrotate), or false. Default "SIGHUP". */
  reopenSignal: z.literal([...REOPEN_SIGNALS, false]).optional(),
  /** The shape of each line: "prodlog" (default), "pino", "ecs", "gcp". */
  ...lineFormatShape,
}).superRefine((options, ctx) => {
  checkLineFormat(options, ctx);
  if (options.rotate !== undefined && options.reopenSignal !== undefined && options.reopenSignal !== false) {
    ctx.addIssue({
      code: 'custom',
      path: ['reopenSignal'],
      message: 'is for a file rotated by an external tool such as logrotate, and this one has "rotate": use one or the other',
    });
  }
});

export const fileTransport: TransportDefinition<typeof schema> = {
  schema,
  create(options) {
    // Required here, not imported: the writer, rotation and locking load only when a file transport is created.
    const { FileTransport } = require('./FileTransport') as typeof import('./FileTransport');
    const { path, rotate, reopenSignal } = options;
    const lineFormat = lineFormatFor(options);
    if (rotate === undefined) return new FileTransport({ path, reopenSignal, lineFormat });
    return new FileTransport({
      path,
      lineFormat,
      rotate: {
        maxBytes: rotate.size,
        intervalMs: rotate.interval,
        compress: rotate.compress === 'gzip',
        maxFiles: rotate.maxFiles,
        maxAgeMs: rotate.maxAge,
        maxTotalBytes: rotate.maxTotalSize,
      },
    });
  },
  sharedResource(options) {
    const path = canonicalPath(options.path);
    return {
      key: `file:${path}`,
      describe: `the log file ${path}`,
      // Defaults written out, so that a key left out and its default agree: format "prodlog", reopen signal SIGHUP without rotate.
      settings: {
        format: options.format ?? 'prodlog',
        ...(options.gcp !== undefined ? { gcp: options.gcp } : {}),
        rotate: options.rotate === undefined ? false : rotateAsWritten(options.rotate),
        reopenSignal: options.rotate === undefined ? (options.reopenSignal ?? 'SIGHUP') : false,
      },
      whyAgree: 'one file is written by one transport, in one line format, with one rotation policy and one reopen signal',
    };
  },
};

/** Rotation as a user writes it ("10M", "1d"), for the message when two loggers disagree on it. */
function rotateAsWritten(rotate: z.output<typeof rotateSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rotate)) {
    if (value === undefined) continue;
    if (typeof value === 'number' && (key === 'size' || key === 'maxTotalSize')) out[key] = formatSizeExactly(value);
    else if (typeof value === 'number' && (key === 'interval' || key === 'maxAge')) out[key] = formatDuration(value);
    else out[key] = value;
  }
  return out;
}

/**
 * The file a path names, whatever the spelling: absolute, and through
 * symbolic links (of the file, else of its folder, the nearest one that
 * exists), so "logs/app.log", "./logs/app.log" and a link to it are one file.
 */
function canonicalPath(path: string): string {
  const absolute = resolve(path);
  try {
    if (existsSync(absolute)) return realpathSync(absolute);
    const folder = dirname(absolute);
    return folder === absolute ? absolute : join(canonicalPath(folder), basename(absolute));
  } catch {
    return absolute;
  }
}
