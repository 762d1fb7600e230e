import type { Logger } from '../../core/Logger';
import type { FastifyReplyLike, FastifyRequestLike } from './httpExchange';
import { requestSettings, trackRequest, type RequestLoggerOptions } from './requestLogger';

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  decorateRequest(name: string, value: null): unknown;
  addHook(name: 'onRequest', hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void): unknown;
}

export type FastifyPlugin = (instance: FastifyInstanceLike, options: unknown, done: (err?: Error) => void) => void;

/**
 * Request logging for Fastify: `app.register(fastifyRequestLogger(log))`.
 * The same record as requestLogger(), with Fastify's route pattern as
 * `route`. Fastify's own `request.log` is left alone; the child logger with
 * `requestId` is `request.prodlog` and `requestLog(request)`.
 */
export function fastifyRequestLogger(log: Logger, options: RequestLoggerOptions = {}): FastifyPlugin {
  const settings = requestSettings(options);
  const plugin: FastifyPlugin = (instance, _options, done) => {
    instance.decorateRequest('prodlog', null);
    instance.addHook('onRequest', (request, reply, next) => {
      request.prodlog = trackRequest(log, settings, request.raw, reply.raw, () => request.routeOptions?.url);
      next();
    });
    done();
  };
  // What the fastify-plugin package sets: the hook then applies to the whole
  // application, not only to routes registered inside this plugin.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'prodlog-request-logger' });
  return plugin;
}
