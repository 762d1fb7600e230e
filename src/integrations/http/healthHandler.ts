import { parseOptions } from '../../core/config/describeIssues';
import type { Logger, LoggerHealth } from '../../core/Logger';
import { nodeExchange, send, type EndpointHandler } from './httpExchange';
import { loggersToReport } from './loggersToReport';
import { elapsedMs } from '../task';
import type { HealthCheck } from './healthOptionsSchema';

export type { HealthCheck };

export interface HealthHandlerOptions {
  /** Named checks of the service's dependencies: `{ db: () => pool.query('select 1') }`. */
  readonly checks?: Readonly<Record<string, HealthCheck | { readonly check: HealthCheck; readonly timeoutMs?: number }>>;
  /** Default time each check gets; the endpoint answers within the longest. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** The loggers whose pipeline is the `logging` check; default: every logger open in the process. */
  readonly log?: Logger | readonly Logger[];
  /** Include the `logging` check (default true). */
  readonly logging?: boolean;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error?: string;
  readonly details?: unknown;
}

export interface HealthReport {
  readonly status: 'ok' | 'fail';
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/**
 * A `/healthCheck` endpoint for node:http, Express and Fastify: 200 with the
 * report as JSON when every check passes, 500 otherwise. Checks run in
 * parallel, each bounded by its timeout, so the endpoint stays fast when a
 * dependency hangs. The logging pipeline itself is the `logging` check: it
 * fails while a transport is failing (a shipper that cannot deliver, a full
 * disk) and shows each transport's backlog, drops and last error.
 * Bad options throw ConfigError at once.
 */
export function healthHandler(options: HealthHandlerOptions = {}): EndpointHandler {
  const run = healthChecks(options);
  return (request, response) => {
    const { res } = nodeExchange(request, response);
    run().then(
      (report) => send(res, report.status === 'ok' ? 200 : 500, 'application/json; charset=utf-8', JSON.stringify(report)),
      () => send(res, 500, 'application/json; charset=utf-8', '{"status":"fail","checks":{}}'),
    );
  };
}

/** The checks behind healthHandler, for a service that serves the report its own way. */
export function healthChecks(options: HealthHandlerOptions = {}): () => Promise<HealthReport> {
  // Required here, not imported: the schema (and zod) load when a handler is made.
  const { optionsSchema } = require('./healthOptionsSchema') as typeof import('./healthOptionsSchema');
  const parsed = parseOptions(optionsSchema, options, 'healthHandler');
  const defaultTimeout = parsed.timeoutMs;
  const checks = Object.entries(options.checks ?? {}).map(([name, c]) =>
    typeof c === 'function' ? { name, check: c, timeoutMs: defaultTimeout } : { name, check: c.check, timeoutMs: c.timeoutMs ?? defaultTimeout },
  );
  return async () => {
    const results = await Promise.all(checks.map(async ({ name, check, timeoutMs }) => [name, await runCheck(check, timeoutMs)] as const));
    const report: Record<string, CheckResult> = {};
    if (parsed.logging) report['logging'] = loggingCheck(loggersToReport(options.log));
    for (const [name, result] of results) report[name] = result;
    return { status: Object.values(report).every((r) => r.ok) ? 'ok' : 'fail', checks: report };
  };
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    const value = await Promise.race([Promise.resolve().then(check), timeout]);
    const durationMs = elapsedMs(start);
    if (value === false) return { ok: false, durationMs, error: 'check returned false' };
    return typeof value === 'object' && value !== null ? { ok: true, durationMs, details: value } : { ok: true, durationMs };
  } catch (err) {
    // The message only: a stack trace is not for whoever can reach the endpoint.
    return { ok: false, durationMs: elapsedMs(start), error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** The logging pipeline as a check: every transport of every logger ok, with what an operator needs to see why not. */
function loggingCheck(loggers: readonly Logger[]): CheckResult {
  const start = performance.now();
  const healths = loggers.map((l) => l.health());
  return { ok: healths.every((h) => h.ok), durationMs: elapsedMs(start), details: { loggers: healths.map(summarise) } };
}

function summarise(h: LoggerHealth): Record<string, unknown> {
  return {
    name: h.name,
    ok: h.ok,
    internalErrors: h.internalErrors,
    droppedAfterClose: h.droppedAfterClose,
    transports: h.transports.map((t) => ({
      name: t.name,
      ok: t.ok,
      failed: t.failed,
      dropped: t.dropped,
      ...(t.backlogRecords !== undefined ? { backlogRecords: t.backlogRecords, backlogBytes: t.backlogBytes } : {}),
      ...(t.delivered !== undefined ? { delivered: t.delivered, lastSuccessAt: t.lastSuccessAt } : {}),
      lastError: t.lastError,
      lastErrorAt: t.lastErrorAt,
    })),
  };
}
