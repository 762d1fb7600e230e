import { z } from 'zod';
import { listOf, strictOptions } from '../../core/config/schemaHelpers';

/** A header name as HTTP defines it (a token): anything else would make `setHeader` throw on every request. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const hook = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message: 'is not a function' });

const ignoreEntry = z.custom<string | RegExp>((v) => (typeof v === 'string' && v !== '') || v instanceof RegExp, {
  message: 'is not a path (a string) or a RegExp',
});

/**
 * The options of requestLogger() and fastifyRequestLogger(), checked when a
 * request logger is made with options (requestLogger.ts requires this module
 * then, so importing prodlog does not load zod). The keys of pino-http's
 * options (`customProps`, `customLogLevel`, `autoLogging`) are unknown keys,
 * and the message lists the ones that are allowed.
 */
export const requestLoggerOptionsSchema = strictOptions({
  idHeader: z.string().regex(HEADER_NAME, { message: 'is not a header name' }).optional(),
  generateId: hook.optional(),
  routeOf: hook.optional(),
  headers: z.boolean().optional(),
  metrics: z.boolean().optional(),
  ignore: listOf(ignoreEntry, 'an array of paths and RegExps like ["/healthCheck", /^\\/assets\\//]').optional(),
  level: hook.optional(),
  fields: hook.optional(),
});

/** The options of errorLogger(). */
export const errorLoggerOptionsSchema = strictOptions({
  respond: z.boolean().optional(),
});
