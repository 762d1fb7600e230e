import { prettyFactory } from 'pino-pretty';

export interface PrettyOptions {
  readonly colorize: boolean;
}

// C0 controls (newline and ESC included), DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function escapeControl(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A line printed as it is, on one line: its own newline dropped, other control characters escaped. */
function escapeLine(line: string): string {
  return `${line.replace(/\n$/, '').replace(CONTROL, escapeControl)}\n`;
}

/**
 * pino-pretty for JSON lines, with one safety step: pino-pretty prints the
 * message verbatim, so a message holding "\n[time] FATAL: ..." or terminal
 * escape sequences could forge a line or repaint the screen. Control
 * characters in `msg` are shown escaped instead (other values are already
 * printed as JSON by pino-pretty). A line that is not JSON is escaped whole.
 */
export function createPrettyFormatter(options: PrettyOptions): (line: string) => string {
  const pretty = prettyFactory({ colorize: options.colorize, translateTime: 'SYS:standard' });
  return (line) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return escapeLine(line);
    }
    if (typeof record !== 'object' || record === null) return escapeLine(line);
    const msg = (record as { msg?: unknown }).msg;
    if (typeof msg === 'string') (record as { msg: string }).msg = msg.replace(CONTROL, escapeControl);
    return pretty(record);
  };
}
