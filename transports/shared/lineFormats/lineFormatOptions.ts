import { z } from 'zod';
import { ConfigError } from '../../../src/core/config/ConfigError';
import { quote } from '../../../src/core/config/describeIssues';
import { strictOptions } from '../../../src/core/config/schemaHelpers';
import { LINE_FORMATS, type LineFormat, type LineFormatName, type LineFormatSettings } from './LineFormat';

/** A project id ("my-project"), a project number, or a domain-scoped id ("example.com:my-project"): what fits in `projects/<id>/traces/...`. */
const PROJECT_ID = /^[a-z0-9][a-z0-9.:-]{0,99}$/;
const NOT_A_PROJECT_ID = 'is not a Google Cloud project id like "my-project"';

/** The variable the gcp format reads the project id from when its options do not name one. */
export const PROJECT_ID_VARIABLE = 'GOOGLE_CLOUD_PROJECT';

/** The options of the console and file transports that choose the shape of each line. */
export const lineFormatShape = {
  /** "prodlog" (the default), "pino", "ecs" or "gcp"; README, "Record formats". */
  format: z.enum(LINE_FORMATS).optional(),
  /** format "gcp" only: the Google Cloud project of the trace ids, else $GOOGLE_CLOUD_PROJECT. */
  gcp: strictOptions({ projectId: z.string().regex(PROJECT_ID, NOT_A_PROJECT_ID) }).optional(),
};

interface LineFormatOptions {
  readonly format?: LineFormatName | undefined;
  readonly gcp?: { readonly projectId: string } | undefined;
}

/** The checks across keys, for the transport's superRefine: `gcp` options with another format. */
export function checkLineFormat(options: LineFormatOptions, ctx: z.RefinementCtx): void {
  if (options.gcp !== undefined && options.format !== 'gcp') {
    ctx.addIssue({ code: 'custom', path: ['gcp'], message: `is set but format is "${options.format ?? 'prodlog'}": these options apply to format "gcp" only` });
  }
}

/**
 * What the line format needs besides its name: for gcp, the project id of
 * the options, else of $GOOGLE_CLOUD_PROJECT (read when the transport is
 * created). A malformed variable fails at startup like a bad option; an
 * unset or empty one leaves the project unknown.
 */
export function lineFormatSettings(options: LineFormatOptions, env: NodeJS.ProcessEnv = process.env): LineFormatSettings {
  if (options.format !== 'gcp') return {};
  if (options.gcp !== undefined) return { gcpProjectId: options.gcp.projectId };
  const fromEnv = env[PROJECT_ID_VARIABLE];
  if (fromEnv === undefined || fromEnv === '') return {};
  if (!PROJECT_ID.test(fromEnv)) throw new ConfigError('environment', [`${PROJECT_ID_VARIABLE}: ${quote(fromEnv)} ${NOT_A_PROJECT_ID}`]);
  return { gcpProjectId: fromEnv };
}

/** Whether the options ask for a shape other than the logger's own. */
export function convertsLines(options: LineFormatOptions): options is LineFormatOptions & { format: Exclude<LineFormatName, 'prodlog'> } {
  return options.format !== undefined && options.format !== 'prodlog';
}

/**
 * The conversion of each line the options ask for, or undefined for the
 * logger's own shape. The converters are required here, when a transport
 * with another format is created, not when the schema loads.
 */
export function lineFormatFor(options: LineFormatOptions, env: NodeJS.ProcessEnv = process.env): LineFormat | undefined {
  if (!convertsLines(options)) return undefined;
  const settings = lineFormatSettings(options, env);
  const { createLineFormat } = require('./createLineFormat') as typeof import('./createLineFormat');
  return createLineFormat(options.format, settings);
}
