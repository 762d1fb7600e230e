import { z } from 'zod';
import { transportOptionsSchema } from '../transportRegistry';
import { DEFAULT_LIMITS } from '../core/serialize/limits';
import { DEFAULT_CENSOR } from '../core/serialize/secretKeys';
import { readinessConfigShape } from '../integrations/readinessOptions';
import { redactPathSchema } from './redactPath';
import { levelSettingSchema, listOf, moduleLevelsSchema, strictOptions } from '../core/config/schemaHelpers';
import { unitOptions } from '../core/config/unitOptions';
import { REPLAY_DEFAULTS } from '../core/context/HeldRecords';
import { toggle } from '../core/config/toggle';

const redactPaths = listOf(redactPathSchema, 'an array of paths like ["user.email"]');

const redactSchema = z
  .union([
    redactPaths,
    strictOptions({
      /** Paths in pino's syntax, e.g. "req.headers.authorization" or "users[*].ssn"; checked here, so pino never refuses one. */
      paths: redactPaths.default([]),
      censor: z.string().default(DEFAULT_CENSOR),
      /** Censor the built-in secret key names (password, token, apiKey, ...) at any depth. */
      defaults: z.boolean().default(true),
    }),
  ])
  .transform((r) => (Array.isArray(r) ? { paths: r, censor: DEFAULT_CENSOR, defaults: true } : r));

const positiveInt = (max: number) => z.int().min(1).max(max);

export const loggerConfigSchema = unitOptions({
  /** The service name: `name` in every record, app-name in syslog, service.name in OTLP. */
  name: z.string().min(1).optional(),
  level: levelSettingSchema.default('info'),
  /** Per-module levels: `{ "db": "debug" }` applies to log.module('db') and its submodules ("db.pool"); the longest match wins. */
  levels: moduleLevelsSchema.default({}),
  /** Hold records below the level inside a context (withContext, a request, a task) and write them if it logs an error: true, or { level, maxRecords }. */
  replayOnError: z
    .union([
      z.boolean(),
      strictOptions({
        /** The lowest level held; records at error and above trigger the replay. */
        level: levelSettingSchema
          .refine((l) => l === 'debug' || l === 'info' || l === 'warn', { message: 'is not debug, info or warn: records at error and above are written, and trigger the replay' })
          .default(REPLAY_DEFAULTS.level),
        /** Per context; past it the oldest held record is dropped, and counted. */
        maxRecords: z.int().min(1).max(100_000).default(REPLAY_DEFAULTS.maxRecords),
      }),
    ])
    .default(false),
  /** At least one: a logger without a transport would accept every record and keep none (level "silent" is the way to log nothing). */
  transports: z
    .array(transportOptionsSchema)
    .refine((t) => t.length > 0, { message: 'is empty: at least one transport is required (to log nothing, set "level": "silent")' })
    .default([{ type: 'console', pretty: false, stream: 'stdout' }]),
  redact: redactSchema.default({ paths: [], censor: DEFAULT_CENSOR, defaults: true }),
  /** Run the FATAL sequence on uncaught exceptions and unhandled rejections. */
  capture: z.boolean().default(true),
  fatal: unitOptions(
    {
      exitCode: z.int().min(1).max(255).default(1),
      /** The file FATAL exits are counted in for the next start's metrics; false: none. Default .prodlog/<name>.fatal.json. */
      marker: z.union([z.literal(false), z.string().min(1)]).optional(),
    },
    /** timeout: how long shippers may try to deliver before a FATAL exit. */
    { durations: { timeout: { min: 0, max: 600_000, default: 5_000 } } },
  ).prefault({}),
  limits: strictOptions({
    maxDepth: positiveInt(1_000).default(DEFAULT_LIMITS.maxDepth),
    maxStringLength: z.int().min(16).max(100 * 1024 * 1024).default(DEFAULT_LIMITS.maxStringLength),
    maxArrayLength: positiveInt(10_000_000).default(DEFAULT_LIMITS.maxArrayLength),
    maxKeys: positiveInt(10_000_000).default(DEFAULT_LIMITS.maxKeys),
  }).prefault({}),
  /**
   * Flood control, off by default: per (level, msg) and per interval, the first `first` records
   * are written, then every `thereafter`-th (0: none); a summary record counts the rest. FATAL is never sampled.
   */
  sampling: toggle(
    false,
    { first: z.int().min(1).max(1_000_000).default(100), thereafter: z.int().min(0).max(1_000_000).default(100) },
    /** interval: how long a key's counts last; at its end a summary is written for each key with records suppressed. */
    { interval: { min: 100, max: 3_600_000, default: 1_000 } },
  ),
  /** startup, shutdown, warnings, watchdog, trace: see src/integrations/readinessOptions.ts and docs/readiness.md. */
  ...readinessConfigShape,
}, {
  /** closeTimeout: the bound on `close()`; past it, close resolves anyway. */
  durations: { closeTimeout: { min: 0, max: 600_000, default: 5_000 } },
}).superRefine((config, ctx) => {
  // One signal cannot both shut the service down and toggle debug; checked here, so `prodlog check` says so too.
  const { levelSignal, shutdown } = config;
  if (levelSignal.enabled && shutdown.enabled && (shutdown.signals as readonly string[]).includes(levelSignal.signal)) {
    ctx.addIssue({
      code: 'custom',
      path: ['levelSignal'],
      input: levelSignal.signal,
      message: `is also one of shutdown.signals; a signal cannot both shut the service down and toggle debug: choose another, or take it out of shutdown.signals`,
    });
  }
});

/** Logger configuration as written by a user, in code or in prodlog.config.json. */
export type LoggerConfig = z.input<typeof loggerConfigSchema>;
/** The configuration after validation, with every default filled in. */
export type ResolvedConfig = z.output<typeof loggerConfigSchema>;
