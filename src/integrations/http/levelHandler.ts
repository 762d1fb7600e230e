import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/Logger';
import type { LevelState, SetLevelOptions } from '../../core/LevelState';
import type { LevelSetting } from '../../core/levels';
import { StructuredLogger } from '../../core/StructuredLogger';
import { nodeExchange, send, type EndpointHandler, type EndpointRequest } from './httpExchange';

export interface LevelHandlerOptions {
  /**
   * Requests must carry `Authorization: Bearer <token>`, else they get 401
   * and change nothing. The endpoint changes what the service writes: mount
   * it behind your authentication, and set a token too.
   */
  readonly token?: string;
}

/** A change request is a small JSON object; anything longer is refused unread. */
const MAX_BODY_BYTES = 4 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
const BODY_KEYS: ReadonlySet<string> = new Set(['level', 'module', 'ttl']);

/**
 * An endpoint for reading and changing the levels of `log`'s tree at run
 * time, for node:http, Express and Fastify. GET answers
 * `{ "level", "levels", "expires" }`. PUT or POST with a JSON body
 * `{ "level": "debug", "module": "db", "ttl": "10m" }` (module and ttl
 * optional) applies it, logs `level changed` with source "http", and answers
 * the new state; a bad body answers 400 saying what is wrong and changes
 * nothing. The body is read from the request, or taken as the framework
 * parsed it (express.json(), Fastify).
 */
export function levelHandler(log: Logger, options: LevelHandlerOptions = {}): EndpointHandler {
  const levels = StructuredLogger.levelStateOf(log);
  if (levels === undefined) throw new TypeError('levelHandler: log is not a prodlog logger');
  const token = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`);
  return (request, response) => {
    const parsedBody = bodyParsedByFramework(request);
    const { req, res } = nodeExchange(request, response);
    if (token !== undefined && !authorized(req, token)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { error: 'a bearer token is required' });
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      sendJson(res, 200, levels.snapshot());
    } else if (req.method === 'PUT' || req.method === 'POST') {
      const body = parsedBody === undefined ? readBody(req) : Promise.resolve(parsedBody);
      body.then(
        (value) => change(levels, value, res),
        (err: Error) => sendJson(res, 400, { error: err.message }),
      );
    } else {
      res.setHeader('allow', 'GET, HEAD, PUT, POST');
      sendJson(res, 405, { error: `${String(req.method)} is not allowed: GET reads the levels, PUT or POST changes one` });
    }
  };
}

function change(levels: LevelState, body: unknown, res: ServerResponse): void {
  const problem = bodyProblem(body);
  if (problem !== undefined) {
    sendJson(res, 400, { error: problem });
    return;
  }
  const { level, module, ttl } = body as { level: LevelSetting; module?: string; ttl?: string | number };
  const options: SetLevelOptions = { ...(module === undefined ? {} : { module }), ...(ttl === undefined ? {} : { ttl }) };
  try {
    levels.set(level, options, 'http');
  } catch (err) {
    // set() checks every argument before it changes anything.
    sendJson(res, 400, { error: (err as Error).message.replace(/^setLevel: /, '') });
    return;
  }
  sendJson(res, 200, levels.snapshot());
}

/** What is wrong with the shape of a change request, before its values are checked. */
function bodyProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object like {"level":"debug","module":"db","ttl":"10m"}';
  const unknown = Object.keys(body).filter((k) => !BODY_KEYS.has(k));
  if (unknown.length > 0) return `unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')}; allowed keys: level, module, ttl`;
  const { level, module, ttl } = body as Record<string, unknown>;
  if (typeof level !== 'string') return 'level is required: one of debug, info, warn, error, fatal, silent';
  if (module !== undefined && typeof module !== 'string') return 'module must be a string, like "db"';
  if (ttl !== undefined && typeof ttl !== 'string' && typeof ttl !== 'number') return 'ttl must be a duration like "10m" or a number of milliseconds';
  return undefined;
}

/** express.json() leaves the parsed body on `req.body`, Fastify on `request.body`; plain node:http leaves none. */
function bodyParsedByFramework(req: EndpointRequest): unknown {
  const body = (req as { body?: unknown }).body;
  if (body === undefined) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return parseJson(body.toString());
  return body;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`the body is longer than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      try {
        resolve(parseJson(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err as Error);
      }
    });
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('the body is not JSON: expected an object like {"level":"debug","module":"db","ttl":"10m"}');
  }
}

/** Compared in constant time, so the token cannot be guessed a byte at a time from response times. */
function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(value));
}
