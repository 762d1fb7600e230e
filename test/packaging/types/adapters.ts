// Compile-time contract of asPino and nestLogger: what they return passes where a library
// types "a pino logger" or Nest's LoggerService. tsc must accept this file.
import type { LoggerService } from '@nestjs/common';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { asPino, createLogger, nestLogger, type NestLoggerService } from '../../../src';

const log = createLogger({ name: 'types', transports: [{ type: 'console' }] });

// pino's Logger type, whole: assignable, and usable as one.
const pino: PinoLogger = asPino(log);
function takesPino(logger: PinoLogger): void {
  logger.info({ orderId: 1 }, 'order %s', 'placed');
  logger.child({ requestId: 'r' }, { level: 'warn', msgPrefix: '[r] ' }).trace('x');
  logger.level = 'debug';
}
takesPino(asPino(log));
const child: PinoLogger = pino.child({ a: 1 });
const audit: PinoLogger<'audit'> = pino.child({}, { customLevels: { audit: 35 } });
audit.audit('exported');

// Fastify: loggerInstance, and the logger its requests get.
const app = Fastify({ loggerInstance: asPino(log) });
const fastifyLog: FastifyBaseLogger = app.log;
const typedApp = Fastify({ loggerInstance: asPino(log) as PinoLogger });
void typedApp;

// pino-http is not imported here: it declares IncomingMessage.log as pino's logger, as prodlog does as its
// own (http.ts checks that), and one program cannot hold both. Its `logger` option is checked where a user's
// project compiles it, against the built package: test/integrations/adoption-readme.test.ts.

// Nest: LoggerService, and prodlog's own declaration of it.
const nest: LoggerService = nestLogger(log);
const declared: NestLoggerService = nestLogger(log);
const asService: LoggerService = declared;

void [child, fastifyLog, nest, asService];

// @ts-expect-error asPino takes a prodlog logger, not a pino one
asPino(pino);
