import { displaySafe, escapeOutput, escapeText } from './displaySafe';

export interface PrettyOptions {
  readonly colorize: boolean;
}

/** A line printed as it is, on one line: its own newline dropped, everything unsafe escaped. */
function escapeLine(line: string): string {
  return `${escapeText(line.replace(/\n$/, ''))}\n`;
}

/**
 * pino-pretty for JSON lines, with one safety step: pino-pretty prints the
 * message, the keys, the logger's name and an error's stack as they are, so
 * a value holding "\n[time] FATAL ..." (or U+2028, NEL, a carriage return,
 * terminal escape sequences) could print a line that reads as another record
 * or repaint the screen. Every key and value is escaped first (displaySafe),
 * so one record is always one visual record: a header line, then indented
 * lines. A line that is not a JSON object is escaped whole, and so is a
 * record pino-pretty cannot print: the formatter never throws.
 */
export function createPrettyFormatter(options: PrettyOptions): (line: string) => string {
  // Required here, not imported: pino-pretty loads only for a console with pretty output (or the CLI's pretty printing).
  const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
  const pretty = prettyFactory({ colorize: options.colorize, translateTime: 'SYS:standard' });
  return (line) => {
    try {
      const record: unknown = JSON.parse(line);
      if (typeof record !== 'object' || record === null || Array.isArray(record)) return escapeLine(line);
      return escapeOutput(pretty(displaySafe(record)));
    } catch {
      return escapeLine(line);
    }
  };
}
