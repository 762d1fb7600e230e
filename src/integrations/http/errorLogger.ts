import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOptions } from '../../core/config/describeIssues';
import type { Logger } from '../../core/Logger';
import { toError } from '../../core/serialize/Sanitizer';
import { pathOf, requestFailed, requestLog } from './requestLogger';

export interface ErrorLoggerOptions {
  /**
   * Answer the request here, as Express's default error handler would (the
   * status of `err.status` or `err.statusCode` when it is 4xx or 5xx, with
   * `err.headers`, else 500; the status text as the body, never the stack),
   * instead of passing the error on: so Express does not print it to stderr
   * as well. Only when the error is logged: otherwise it is still passed on.
   * For an application without error handlers of its own; default false.
   */
  readonly respond?: boolean;
}

/** Express error middleware: four parameters, which is how Express tells it from other middleware. */
export type ErrorMiddleware = (err: unknown, req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Express error middleware that puts the error a handler threw (or passed
 * to `next`, or rejected with) into the request's record: the record of
 * requestLogger() then carries `err` (type, message, stack, fingerprint) and
 * is at error, or warn for a 4xx. Mount it after the routes and before the
 * application's own error handlers, which still run: the error is passed on
 * with `next(err)`.
 *
 *     app.use(requestLogger(log));
 *     app.get(...);
 *     app.use(errorLogger(log));
 *
 * With no request logger before it (or when the request's record is already
 * written), the error is logged at once as `request failed` with `method`,
 * `path` and `err`, by the request's logger or else `log`; with neither,
 * nothing is logged and the error is only passed on.
 *
 * Express's own default handler, reached when no application handler
 * answers, prints every error to stderr (unless NODE_ENV is `test`), so an
 * error shows there as well as in the log. prodlog cannot tell from inside
 * the chain whether a handler of the application comes next, so it passes
 * the error on by default; `{ respond: true }` answers the request instead,
 * and then nothing is printed. Bad options throw ConfigError at once.
 */
export function errorLogger(log?: Logger, options: ErrorLoggerOptions = {}): ErrorMiddleware {
  if (Object.keys(options).length > 0) {
    const { errorLoggerOptionsSchema } = require('./requestLoggerOptionsSchema') as typeof import('./requestLoggerOptionsSchema');
    parseOptions(errorLoggerOptionsSchema, options, 'errorLogger');
  }
  const respond = options.respond ?? false;
  // No default values in the parameters: they would shorten the function's length, and Express would no longer see error middleware.
  return (err, req, res, next) => {
    const logged = requestFailed(req, err) || logNow(log, req, err);
    if (respond && logged) answer(req, res, err);
    else next(err);
  };
}

/** The error of a request whose record cannot take it, logged on its own. */
function logNow(log: Logger | undefined, req: IncomingMessage, err: unknown): boolean {
  const target = requestLog(req, log);
  if (target === undefined) return false;
  target.error('request failed', { method: req.method ?? 'GET', path: pathOf(req), err: toError(err) });
  return true;
}

/** Express's status for an error: `err.status`, then `err.statusCode`, when it is a 4xx or 5xx. */
function errorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  for (const key of ['status', 'statusCode'] as const) {
    const value: unknown = (err as Record<string, unknown>)[key];
    if (typeof value === 'number' && value >= 400 && value < 600) return value;
  }
  return undefined;
}

/** What Express's default handler (finalhandler) does, without the stack in the body and without printing. */
function answer(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    // The response cannot be completed: as Express does, the connection is closed, so the client sees it fail.
    req.socket?.destroy();
    return;
  }
  const fromError = errorStatus(err);
  const status = fromError ?? (res.statusCode >= 400 && res.statusCode < 600 ? res.statusCode : 500);
  const headers = fromError !== undefined ? (err as { headers?: unknown }).headers : undefined;
  let written = false;
  const write = (): void => {
    if (written || res.headersSent || res.destroyed) return;
    written = true;
    try {
      const { STATUS_CODES } = require('node:http') as typeof import('node:http');
      const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
      for (const name of ['content-encoding', 'content-language', 'content-range']) res.removeHeader(name);
      if (typeof headers === 'object' && headers !== null) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value as string);
      res.statusCode = status;
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('content-length', Buffer.byteLength(body));
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      // a header of the error Node refuses: end the response as it stands rather than leave it open
      res.destroy();
    }
  };
  if (req.complete || req.readableEnded || req.destroyed) {
    write();
    return;
  }
  // As Express does: the rest of the request body is read and dropped before answering, so the client is not cut off while it sends.
  req.unpipe();
  req.once('end', write);
  req.once('close', write);
  req.resume();
}
