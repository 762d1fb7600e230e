import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/Logger';
import { censorHeaders } from '../../core/serialize/httpHeaders';
import { DEFAULT_CENSOR } from '../../core/serialize/secretKeys';
import type { FastifyRequestLike } from './httpExchange';
import { observeRequest } from './requestMetrics';
import { elapsedMs } from '../task';

export interface RequestLoggerOptions {
  /** The header the request id is read from and echoed in; default `x-request-id`. */
  readonly idHeader?: string;
  /** Makes an id for a request that brings none (or one that is not a short printable token); default a UUID. */
  readonly generateId?: () => string;
  /**
   * The route of a request, for the record and the metrics label, when the
   * framework does not know it (plain node:http): e.g. `/orders/:id`. Without
   * it such requests are labelled `unmatched` in the metrics, so raw paths
   * full of ids never become label values.
   */
  readonly routeOf?: (req: IncomingMessage) => string | undefined;
  /** Log the request headers, with authorization, cookies and other secrets censored, and credentials in URL-like values (Referer, X-Forwarded-Uri) too; default true. */
  readonly headers?: boolean;
  /** Count the request in the metrics of metricsHandler(); default true. */
  readonly metrics?: boolean;
}

/** Express and connect call middleware with a `next`; node:http does not. */
export type RequestMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/** An incoming id is used only if it is a short printable token: it goes into every record of the request. */
const USABLE_ID = /^[\x21-\x7e]{1,128}$/;
const childLoggers = new WeakMap<IncomingMessage, Logger>();

/**
 * The logger of a request seen by a request logger: the application's logger
 * with `requestId` bound, so every record logged while serving the request
 * can be found with its access record. Falls back to `fallback` for a
 * request no request logger saw. Takes node:http, Express or Fastify requests.
 */
export function requestLog(req: IncomingMessage | FastifyRequestLike, fallback?: Logger): Logger | undefined {
  const raw = 'raw' in req ? req.raw : req;
  return childLoggers.get(raw) ?? fallback;
}

interface Settings {
  readonly idHeader: string;
  readonly generateId: () => string;
  readonly routeOf: ((req: IncomingMessage) => string | undefined) | undefined;
  readonly headers: boolean;
  readonly metrics: boolean;
}

export function requestSettings(options: RequestLoggerOptions): Settings {
  return {
    idHeader: (options.idHeader ?? 'x-request-id').toLowerCase(),
    generateId: options.generateId ?? randomRequestId,
    routeOf: options.routeOf,
    headers: options.headers ?? true,
    metrics: options.metrics ?? true,
  };
}

/**
 * Request logging for node:http and Express (use it first:
 * `app.use(requestLogger(log))`, or call it at the top of a node:http
 * handler). One record per request when the response is sent or the client
 * goes away: `method`, `route` (when known), `path`, `status`, `durationMs`,
 * and `requestId` from the child logger, at error for a 5xx status and at
 * info otherwise. The child logger is `req.log` and `requestLog(req)`.
 */
export function requestLogger(log: Logger, options: RequestLoggerOptions = {}): RequestMiddleware {
  const settings = requestSettings(options);
  return (req, res, next) => {
    const child = trackRequest(log, settings, req, res, watchExpressRoute(req));
    // Through unknown: pino-http, where installed, declares IncomingMessage.log as a pino logger for the whole program.
    (req as unknown as { log?: Logger }).log = child;
    next?.();
  };
}

/** Starts timing a request and arranges its record; returns the request's child logger. */
export function trackRequest(log: Logger, settings: Settings, req: IncomingMessage, res: ServerResponse, frameworkRoute: () => string | undefined): Logger {
  const start = performance.now();
  const requestId = requestIdOf(req, settings);
  const child = log.child({ requestId });
  childLoggers.set(req, child);
  if (!res.headersSent) res.setHeader(settings.idHeader, requestId);
  let logged = false;
  const done = (): void => {
    if (logged) return;
    logged = true;
    const durationMs = elapsedMs(start);
    const route = frameworkRoute() ?? settings.routeOf?.(req);
    const method = req.method ?? 'GET';
    const status = res.statusCode;
    const fields = {
      method,
      ...(route !== undefined ? { route } : {}),
      path: pathOf(req),
      status,
      durationMs,
      ...(res.writableFinished ? {} : { aborted: true }),
      // Censored whatever `redact.defaults` says: a request log must never carry credentials.
      ...(settings.headers ? { headers: censorHeaders(req.headers, DEFAULT_CENSOR) } : {}),
    };
    if (status >= 500) child.error('request', fields);
    else child.info('request', fields);
    if (settings.metrics) observeRequest(method, route ?? 'unmatched', status, durationMs / 1000);
  };
  res.once('finish', done);
  res.once('close', done);
  return child;
}

function requestIdOf(req: IncomingMessage, settings: Settings): string {
  const header = req.headers[settings.idHeader];
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && USABLE_ID.test(given) ? given : settings.generateId();
}

/**
 * The route Express matched, with the mount point of its router: `req.route`
 * is assigned when a route matches, and `req.baseUrl` is right at that
 * moment; by the time the response finishes after an error, Express has
 * already restored the outer router's `baseUrl`. So the assignment is
 * watched rather than read at the end. Outside Express nothing assigns it.
 */
function watchExpressRoute(req: IncomingMessage): () => string | undefined {
  const r = req as IncomingMessage & { baseUrl?: unknown };
  let value: unknown;
  let route: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (v: unknown) => {
      value = v;
      const path = (v as { path?: unknown } | null | undefined)?.path;
      if (typeof path === 'string') route = `${typeof r.baseUrl === 'string' ? r.baseUrl : ''}${path}`;
    },
  });
  return () => route;
}

/** The path without the query string, which may carry tokens. Express rewrites `url` inside routers; `originalUrl` is the request's. */
function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: unknown }).originalUrl;
  const full = typeof url === 'string' ? url : (req.url ?? '/');
  const q = full.indexOf('?');
  return q === -1 ? full : full.slice(0, q);
}

let crypto: typeof import('node:crypto') | undefined;

/** A random UUID; node:crypto is required at the first request, so that importing prodlog does not load it. */
function randomRequestId(): string {
  return (crypto ??= require('node:crypto') as typeof import('node:crypto')).randomUUID();
}
