import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOptions } from '../../core/config/describeIssues';
import type { Fields, Logger } from '../../core/Logger';
import { censorHeaders } from '../../core/serialize/httpHeaders';
import { describe, toError } from '../../core/serialize/Sanitizer';
import { DEFAULT_CENSOR } from '../../core/serialize/secretKeys';
import { StructuredLogger } from '../../core/StructuredLogger';
import { enterContext, withWorkContext } from '../../core/context/logContext';
import type { FastifyRequestLike } from './httpExchange';
import { observeRequest } from './requestMetrics';
import { elapsedMs } from '../task';

/**
 * `req.log` type-checks: the request's logger, set by requestLogger() (and
 * by fastifyRequestLogger() on `request.raw`). Declared on node:http's
 * IncomingMessage, and on Express's Request through the global `Express`
 * namespace that @types/express merges into it, so neither declaration
 * needs @types/express: without it the namespace is simply unused. As with
 * pino-http, which declares `log` on IncomingMessage as its own logger, a
 * program cannot load both declarations: use one request logger.
 */
declare module 'http' {
  interface IncomingMessage {
    /** The request's logger, with `requestId` bound; set by prodlog's requestLogger() (undefined on a request it did not see). */
    log: Logger;
  }
}
declare global {
  namespace Express {
    interface Request {
      /** The request's logger, with `requestId` bound; set by prodlog's requestLogger(). */
      log: Logger;
    }
  }
}

/** The level of a request's record; `silent` writes none. */
export type RequestLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

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
  /**
   * Paths whose requests get no record while they go well: a string is the
   * whole path (without the query string), a RegExp is tested against it:
   * `['/healthCheck', '/metrics', /^\/assets\//]`. A request on one of them
   * still gets its record when it fails (a 5xx status, or an error attached
   * by errorLogger(), Fastify's onError or requestFailed()), and is counted
   * in the metrics either way.
   */
  readonly ignore?: ReadonlyArray<string | RegExp>;
  /**
   * The level of a request's record, in place of the default: error for a
   * 5xx status, warn for a 4xx, error for an error attached to a request
   * answered below 400, info otherwise. `err` is the attached error.
   * Return `silent` for no record, undefined for the default. Called when
   * the record is written; a hook that throws or returns something else
   * gets the default level (see `fields`).
   */
  level?(req: IncomingMessage, res: ServerResponse, err: Error | undefined): RequestLevel | undefined;
  /**
   * Fields added to a request's record, read when it is written, so they
   * can use what the handlers set: `(req) => ({ userId: req.user?.id })`
   * (an Express Request may be declared as the parameter). They cannot
   * replace the record's own keys. A hook that throws, or returns something
   * that is not an object, costs its fields and nothing else: the record is
   * written with `prodlogError` saying what went wrong, and it counts as an
   * internal error of the logger (`internalErrors` in health, metrics).
   */
  fields?(req: IncomingMessage, res: ServerResponse): Fields | undefined;
}

/** Express and connect call middleware with a `next`; node:http does not. */
export type RequestMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/** An incoming id is used only if it is a short printable token: it goes into every record of the request. */
const USABLE_ID = /^[\x21-\x7e]{1,128}$/;

/** What a request logger knows of a request it saw, until its record is written. */
interface RequestState {
  /** The application's logger with `requestId` bound. */
  log: Logger;
  /** The request's id, also carried by the context the rest of the request runs in. */
  requestId: string;
  /** The first error attached to the request. */
  err: Error | undefined;
  /** Hooks of the application that threw, for `prodlogError`. */
  problems: string[] | undefined;
  /** The record is written (or skipped): nothing can be added any more. */
  done: boolean;
}

const requests = new WeakMap<IncomingMessage, RequestState>();

function rawRequest(req: IncomingMessage | FastifyRequestLike): IncomingMessage {
  return 'raw' in req ? req.raw : req;
}

/**
 * The logger of a request seen by a request logger: the application's logger
 * with `requestId` bound, so every record logged while serving the request
 * can be found with its access record. Falls back to `fallback` for a
 * request no request logger saw. Takes node:http, Express or Fastify requests.
 */
export function requestLog(req: IncomingMessage | FastifyRequestLike, fallback?: Logger): Logger | undefined {
  return requests.get(rawRequest(req))?.log ?? fallback;
}

/**
 * Attaches the error a request failed with to its record, which then
 * carries it as `err` (type, message, stack, fingerprint) and is at error
 * unless its status is a 4xx. For a node:http handler that catches:
 *
 *     catch (err) { requestFailed(req, err); res.statusCode = 500; res.end(); }
 *
 * The first error attached is kept. Returns false, attaching nothing, when
 * no request logger saw the request or its record is already written: the
 * caller should then log the error itself. errorLogger() (Express) and
 * fastifyRequestLogger()'s onError hook call it. Takes node:http, Express
 * or Fastify requests; anything thrown is accepted (a non-Error is kept as
 * the `cause` of an Error that says so).
 */
export function requestFailed(req: IncomingMessage | FastifyRequestLike, err: unknown): boolean {
  const state = requests.get(rawRequest(req));
  if (state === undefined || state.done) return false;
  state.err ??= toError(err);
  return true;
}

/** A request logger's options, resolved once when it is made. */
export interface Settings {
  readonly idHeader: string;
  readonly generateId: (() => string) | undefined;
  readonly routeOf: ((req: IncomingMessage) => string | undefined) | undefined;
  readonly headers: boolean;
  readonly metrics: boolean;
  readonly ignored: ((path: string) => boolean) | undefined;
  readonly level: RequestLoggerOptions['level'];
  readonly fields: RequestLoggerOptions['fields'];
}

/** Checks the options (a bad one throws ConfigError at once) and resolves them. `who` names the caller in the error. */
export function requestSettings(options: RequestLoggerOptions, who: string): Settings {
  if (Object.keys(options).length > 0) {
    // Required here, not imported: the schema (and zod) load only when options are given.
    const { requestLoggerOptionsSchema } = require('./requestLoggerOptionsSchema') as typeof import('./requestLoggerOptionsSchema');
    parseOptions(requestLoggerOptionsSchema, options, who);
  }
  return {
    idHeader: (options.idHeader ?? 'x-request-id').toLowerCase(),
    generateId: options.generateId,
    routeOf: options.routeOf,
    headers: options.headers ?? true,
    metrics: options.metrics ?? true,
    ignored: ignoreMatcher(options.ignore),
    level: options.level,
    fields: options.fields,
  };
}

function ignoreMatcher(list: ReadonlyArray<string | RegExp> | undefined): ((path: string) => boolean) | undefined {
  if (list === undefined || list.length === 0) return undefined;
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of list) {
    if (typeof entry === 'string') exact.add(entry);
    // A global or sticky RegExp keeps a lastIndex between test() calls, so every other request would miss: a copy without those flags.
    else patterns.push(entry.global || entry.sticky ? new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')) : entry);
  }
  return (path) => exact.has(path) || patterns.some((p) => p.test(path));
}

/**
 * Request logging for node:http and Express (use it first:
 * `app.use(requestLogger(log))`, or call it at the top of a node:http
 * handler). One record per request when the response is sent or the client
 * goes away: `method`, `route` (when known), `path`, `status`, `durationMs`,
 * `err` when an error was attached (errorLogger(), requestFailed()), and
 * `requestId` from the child logger; at error for a 5xx status, warn for a
 * 4xx, info otherwise. The child logger is `req.log` and `requestLog(req)`.
 * Bad options throw ConfigError at once.
 */
export function requestLogger(log: Logger, options: RequestLoggerOptions = {}): RequestMiddleware {
  const settings = requestSettings(options, 'requestLogger');
  return (req, res, next) => {
    if (!requests.has(req)) trackRequest(log, settings, req, res, watchExpressRoute(req));
    // The rest of the request runs from here (Express, connect), in its context; a node:http handler goes on after the call.
    if (next === undefined) enterContext({ requestId: requests.get(req)?.requestId });
    else continueInContext(req, next);
  };
}

/**
 * Runs `next` (the rest of the request) in a context carrying the request's
 * `requestId`, so records logged while serving it, by any prodlog logger,
 * carry it; the request logger's own middleware and hooks call it.
 */
export function continueInContext(req: IncomingMessage, next: () => void): void {
  const requestId = requests.get(req)?.requestId;
  if (requestId === undefined) next();
  else withWorkContext({ requestId }, next);
}

/**
 * Starts timing a request and arranges its record; returns the request's
 * child logger, which is also `req.log`. A request already tracked (a
 * request logger mounted twice) keeps its first logger and record.
 */
export function trackRequest(log: Logger, settings: Settings, req: IncomingMessage, res: ServerResponse, frameworkRoute: () => string | undefined): Logger {
  const seen = requests.get(req);
  if (seen !== undefined) return seen.log;
  const start = performance.now();
  const state: RequestState = { log, requestId: '', err: undefined, problems: undefined, done: false };
  const requestId = requestIdOf(log, settings, req, state);
  state.requestId = requestId;
  const child = log.child({ requestId });
  state.log = child;
  requests.set(req, state);
  req.log = child;
  if (!res.headersSent) res.setHeader(settings.idHeader, requestId);
  const done = (): void => {
    if (state.done) return;
    state.done = true;
    const durationMs = elapsedMs(start);
    const route = frameworkRoute() ?? routeOf(log, settings, req, state);
    const method = req.method ?? 'GET';
    const status = res.statusCode;
    if (settings.metrics) observeRequest(method, route ?? 'unmatched', status, durationMs / 1000);
    writeRecord(log, settings, req, res, state, { method, route, status, durationMs });
  };
  res.once('finish', done);
  res.once('close', done);
  return child;
}

interface Outcome {
  readonly method: string;
  readonly route: string | undefined;
  readonly status: number;
  readonly durationMs: number;
}

/** The record's own keys, which `fields()` cannot replace (`requestId` is bound on the child logger). */
const OWN_KEYS: ReadonlySet<string> = new Set(['method', 'route', 'path', 'status', 'durationMs', 'aborted', 'headers', 'err', 'requestId', 'prodlogError']);
const LEVELS: ReadonlySet<unknown> = new Set<RequestLevel>(['debug', 'info', 'warn', 'error', 'silent']);

function writeRecord(log: Logger, settings: Settings, req: IncomingMessage, res: ServerResponse, state: RequestState, outcome: Outcome): void {
  const { method, route, status, durationMs } = outcome;
  const path = pathOf(req);
  const err = state.err;
  if (settings.ignored?.(path) && status < 500 && err === undefined) return;
  const level = levelOf(log, settings, req, res, state);
  if (level === 'silent') return;
  const fields: Record<string, unknown> = {
    method,
    ...(route !== undefined ? { route } : {}),
    path,
    status,
    durationMs,
    ...(res.writableFinished ? {} : { aborted: true }),
    // Censored whatever `redact.defaults` says: a request log must never carry credentials.
    ...(settings.headers ? { headers: censorHeaders(req.headers, DEFAULT_CENSOR) } : {}),
  };
  if (settings.fields) addHookFields(log, settings.fields, req, res, state, fields);
  if (err !== undefined) fields['err'] = err;
  if (state.problems !== undefined) fields['prodlogError'] = state.problems.join('; ');
  state.log[level]('request', fields);
}

/** Error for a 5xx status, warn for a 4xx, error for a failure answered below 400 (headers sent before the throw), info otherwise. */
function defaultLevel(status: number, err: Error | undefined): Exclude<RequestLevel, 'silent'> {
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return err !== undefined ? 'error' : 'info';
}

function levelOf(log: Logger, settings: Settings, req: IncomingMessage, res: ServerResponse, state: RequestState): RequestLevel {
  const fallback = defaultLevel(res.statusCode, state.err);
  if (settings.level === undefined) return fallback;
  let chosen: unknown;
  try {
    chosen = settings.level(req, res, state.err);
  } catch (err) {
    hookFailed(log, state, `level() threw: ${describe(err)}`);
    return fallback;
  }
  if (chosen === undefined) return fallback;
  if (LEVELS.has(chosen)) return chosen as RequestLevel;
  hookFailed(log, state, `level() returned ${typeof chosen === 'string' ? JSON.stringify(chosen) : typeof chosen}, not one of debug, info, warn, error, silent`);
  return fallback;
}

function addHookFields(log: Logger, hook: NonNullable<Settings['fields']>, req: IncomingMessage, res: ServerResponse, state: RequestState, fields: Record<string, unknown>): void {
  try {
    const extra: unknown = hook(req, res);
    if (extra === undefined || extra === null) return;
    if (typeof extra !== 'object' || Array.isArray(extra)) {
      hookFailed(log, state, `fields() returned ${Array.isArray(extra) ? 'an array' : typeof extra}, not an object`);
      return;
    }
    // Read here, once each (a getter may throw): the sanitiser then copies what was read.
    for (const key of Object.keys(extra)) if (!OWN_KEYS.has(key)) fields[key] = (extra as Record<string, unknown>)[key];
  } catch (err) {
    hookFailed(log, state, `fields() threw: ${describe(err)}`);
  }
}

/** An application hook failed: the request goes on, its record says so, and the logger counts it. */
function hookFailed(log: Logger, state: RequestState, problem: string): void {
  (state.problems ??= []).push(problem);
  StructuredLogger.countInternalError(log);
}

function routeOf(log: Logger, settings: Settings, req: IncomingMessage, state: RequestState): string | undefined {
  if (settings.routeOf === undefined) return undefined;
  try {
    const route = settings.routeOf(req);
    return typeof route === 'string' ? route : undefined;
  } catch (err) {
    hookFailed(log, state, `routeOf() threw: ${describe(err)}`);
    return undefined;
  }
}

function requestIdOf(log: Logger, settings: Settings, req: IncomingMessage, state: RequestState): string {
  const header = req.headers[settings.idHeader];
  const given = Array.isArray(header) ? header[0] : header;
  if (given !== undefined && USABLE_ID.test(given)) return given;
  if (settings.generateId === undefined) return randomRequestId();
  try {
    const id = settings.generateId();
    if (typeof id === 'string' && USABLE_ID.test(id)) return id;
    hookFailed(log, state, 'generateId() did not return a printable token of 1 to 128 characters');
  } catch (err) {
    hookFailed(log, state, `generateId() threw: ${describe(err)}`);
  }
  return randomRequestId();
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
export function pathOf(req: IncomingMessage): string {
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
