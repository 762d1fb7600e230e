import { isatty } from 'node:tty';
import { z } from 'zod';
import { levelSettingSchema, strictOptions } from '../../src/core/config/schemaHelpers';
import { checkLineFormat, convertsLines, lineFormatFor, lineFormatShape } from '../shared/lineFormats/lineFormatOptions';
import type { TransportDefinition } from '../shared/TransportDefinition';

/** The console's pretty printer and its escaping, for the command line (`pretty`, `tail --pretty`, `errors`). */
export { createPrettyFormatter, type PrettyOptions } from './createPrettyFormatter';
export { escapeText } from './displaySafe';

const schema = strictOptions({
  type: z.literal('console'),
  level: levelSettingSchema.optional(),
  /** Human-readable output through pino-pretty; `"auto"` means pretty when the stream is a terminal. */
  pretty: z.union([z.boolean(), z.literal('auto')]).default(false),
  stream: z.enum(['stdout', 'stderr']).default('stdout'),
  /** Colours in pretty output; defaults to whether the stream is a terminal. */
  colorize: z.boolean().optional(),
  /**
   * When the reader of the stream does not keep up: "drop" (default) waits at most 10 ms per
   * event-loop turn, then drops records and counts them; "block" waits for the reader. Optional
   * rather than defaulted here, so a resolved config only shows it when it was set.
   */
  whenFull: z.enum(['drop', 'block']).optional(),
  /** The shape of each JSON line: "prodlog" (default), "pino", "ecs", "gcp"; pretty output is not JSON and ignores it. */
  ...lineFormatShape,
}).superRefine((options, ctx) => {
  checkLineFormat(options, ctx);
  // "auto" is pretty on a terminal and JSON elsewhere: the format applies to the JSON. true is never JSON.
  if (options.pretty === true && convertsLines(options)) {
    ctx.addIssue({
      code: 'custom',
      path: ['format'],
      message: 'applies to JSON output, and pretty: true writes none: use pretty: false, or "auto" (pretty on a terminal, this format elsewhere)',
    });
  }
});

export const consoleTransport: TransportDefinition<typeof schema> = {
  schema,
  create(options) {
    // isatty on the fd, not process.stdout.isTTY: touching process.stdout would create a stream we never use.
    const isTty = isatty(options.stream === 'stdout' ? 1 : 2);
    // Required here, not imported: the console's writer loads only when a console transport is created.
    const { ConsoleTransport } = require('./ConsoleTransport') as typeof import('./ConsoleTransport');
    const pretty = options.pretty === 'auto' ? isTty : options.pretty;
    // Made (and its settings checked) even when pretty output on a terminal leaves it unused.
    const lineFormat = lineFormatFor(options);
    return new ConsoleTransport({
      stream: options.stream,
      pretty,
      lineFormat: pretty ? undefined : lineFormat,
      colorize: options.colorize ?? isTty,
      // Logging must not stall the service behind a slow reader: durable copies belong in a file or a shipper.
      whenFull: options.whenFull ?? 'drop',
    });
  },
};
