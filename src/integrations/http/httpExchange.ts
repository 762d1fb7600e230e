import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/Logger';

/**
 * Fastify's request and reply, as far as prodlog uses them (the node:http
 * objects inside, the route, the request's logger), declared here so prodlog
 * needs no Fastify types.
 */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  readonly routeOptions?: { readonly url?: string | undefined };
  prodlog?: Logger | null;
}
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
  hijack(): unknown;
}

/** What a prodlog endpoint accepts: node:http and Express objects, or Fastify's request and reply. */
export type EndpointRequest = IncomingMessage | FastifyRequestLike;
export type EndpointResponse = ServerResponse | FastifyReplyLike;

/** A handler for node:http's createServer, an Express route, or a Fastify route. */
export type EndpointHandler = (req: EndpointRequest, res: EndpointResponse) => void;

function isFastifyReply(res: EndpointResponse): res is FastifyReplyLike {
  return typeof (res as { hijack?: unknown }).hijack === 'function' && 'raw' in res;
}

/**
 * The node:http request and response behind whatever framework called. A
 * Fastify reply is hijacked, so Fastify leaves the response to us and does
 * not wait for `reply.send()`.
 */
export function nodeExchange(req: EndpointRequest, res: EndpointResponse): { req: IncomingMessage; res: ServerResponse } {
  if (isFastifyReply(res)) {
    res.hijack();
    return { req: 'raw' in req ? req.raw : req, res: res.raw };
  }
  return { req: 'raw' in req ? req.raw : req, res };
}

/** Sends a complete response, unless the client is already gone. */
export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
