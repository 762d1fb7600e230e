/**
 * The shapes a console or file transport can write a record in. `prodlog`
 * is the record as the logger wrote it (src/core/record.ts); the others are
 * converted from it, line by line, after redaction and the sanitiser.
 */
export const LINE_FORMATS = ['prodlog', 'pino', 'ecs', 'gcp'] as const;

export type LineFormatName = (typeof LINE_FORMATS)[number];

/**
 * Turns one record line (ending in "\n") into the same record in another
 * shape, one line ending in "\n". Never throws: a line it cannot read is
 * written as it is.
 */
export type LineFormat = (line: string) => string;

export interface LineFormatSettings {
  /** gcp: the Google Cloud project of `logging.googleapis.com/trace`; without it the trace id is written alone. */
  readonly gcpProjectId?: string | undefined;
}
