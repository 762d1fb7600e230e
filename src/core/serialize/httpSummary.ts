import type { ClientRequest, IncomingMessage } from 'node:http';
import { censorHeaders } from './httpHeaders';
import { ALWAYS_ON_SECRET_KEYS } from './secretKeys';
import { censorUrl } from './urlSecrets';

type Summary = Record<string, unknown>;

let http: typeof import('node:http') | undefined;

/** node:http, required at the first object logged that could be one of its messages, so that importing prodlog does not load it. */
function nodeHttp(): typeof import('node:http') {
  return (http ??= require('node:http') as typeof import('node:http'));
}

/**
 * What a record shows of a node:http object (a server's request or
 * response, a client's request or the response it got; Express's and
 * Fastify's raw objects are these): what happened, with credentials
 * censored, as pino's req/res serializers summarise them. Their own
 * properties would write the socket, parser and stream state, and the
 * credentials in `rawHeaders` and in the raw header text `_header`.
 * undefined for any other object. Each property is read once.
 */
export function httpSummary(obj: object, censor: string): Summary | undefined {
  // Every node:http message is a stream: a Date or a class instance neither pays for the checks nor loads node:http.
  if (typeof (obj as { pipe?: unknown }).pipe !== 'function') return undefined;
  const { ClientRequest, IncomingMessage, OutgoingMessage, ServerResponse } = nodeHttp();
  if (obj instanceof IncomingMessage) return incomingSummary(obj, censor);
  if (obj instanceof ClientRequest) return clientRequestSummary(obj, censor);
  if (obj instanceof ServerResponse) return withDefined({ status: obj.statusCode, headers: censorHeaders(obj.getHeaders(), censor) });
  if (obj instanceof OutgoingMessage) return { headers: censorHeaders(obj.getHeaders(), censor) };
  return undefined;
}

/** A request a server received (it has a method), or a response a client received (it has a status). */
function incomingSummary(msg: IncomingMessage, censor: string): Summary {
  const method = msg.method;
  if (typeof method !== 'string') {
    return withDefined({ status: msg.statusCode, statusMessage: msg.statusMessage, headers: censorHeaders(msg.headers, censor) });
  }
  // Express rewrites `url` inside routers; `originalUrl` is the request's.
  const original = (msg as IncomingMessage & { originalUrl?: unknown }).originalUrl;
  const url = typeof original === 'string' ? original : msg.url;
  const socket = msg.socket as IncomingMessage['socket'] | null;
  return withDefined({
    method,
    url: typeof url === 'string' ? censorUrl(url, censor, ALWAYS_ON_SECRET_KEYS) : undefined,
    headers: censorHeaders(msg.headers, censor),
    remoteAddress: socket?.remoteAddress,
    remotePort: socket?.remotePort,
  });
}

/** The full URL (from the Host header the request carries, which holds the port), method and headers. */
function clientRequestSummary(req: ClientRequest, censor: string): Summary {
  const headers = req.getHeaders();
  const host = typeof headers.host === 'string' ? headers.host : req.host;
  return {
    method: req.method,
    url: censorUrl(`${req.protocol}//${host}${req.path}`, censor, ALWAYS_ON_SECRET_KEYS),
    headers: censorHeaders(headers, censor),
  };
}

function withDefined(summary: Summary): Summary {
  for (const key of Object.keys(summary)) if (summary[key] === undefined || summary[key] === null) delete summary[key];
  return summary;
}
