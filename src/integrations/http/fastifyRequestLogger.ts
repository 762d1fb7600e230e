import type { Logger } from '../../core/Logger';
import type { FastifyReplyLike, FastifyRequestLike } from './httpExchange';
import { continueInContext, requestFailed, requestSettings, trackRequest, type RequestLoggerOptions } from './requestLogger';

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  decorateRequest(name: string, value: null): unknown;
  addHook(name: 'onRequest', hook: (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void): unknown;
  addHook(name: 'onError', hook: (request: FastifyRequestLike, reply: FastifyReplyLike, error: Error, done: () => void) => void): unknown;
}

export type FastifyPlugin = (instance: FastifyInstanceLike, options: unknown, done: (err?: Error) => void) => void;

/**
 * Request logging for Fastify: `app.register(fastifyRequestLogger(log))`.
 * The same record and options as requestLogger(), with Fastify's route
 * pattern as `route`, and the error of a handler that threw (or of a failed
 * validation) as `err`, attached by an onError hook. Fastify's own
 * `request.log` is left alone; the child logger with `requestId` is
 * `request.prodlog`, `request.raw.log` and `requestLog(request)`.
 * Bad options throw ConfigError at once.
 */
export function fastifyRequestLogger(log: Logger, options: RequestLoggerOptions = {}): FastifyPlugin {
  const settings = requestSettings(options, 'fastifyRequestLogger');
  const plugin: FastifyPlugin = (instance, _options, done) => {
    instance.decorateRequest('prodlog', null);
    instance.addHook('onRequest', (request, reply, next) => {
      request.prodlog = trackRequest(log, settings, request.raw, reply.raw, () => request.routeOptions?.url);
      // The rest of the request runs from here, in its context.
      continueInContext(request.raw, next);
    });
    // Runs before Fastify's error handler answers; the record is written when the answer is sent.
    instance.addHook('onError', (request, _reply, error, next) => {
      requestFailed(request, error);
      next();
    });
    done();
  };
  // What the fastify-plugin package sets: the hooks then apply to the whole
  // application, not only to routes registered inside this plugin.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'prodlog-request-logger' });
  return plugin;
}
