// Compile-time contract of the public API. `tsc` must accept this file: each
// `@ts-expect-error` line is an error the types must report (tsc fails on an
// unused one), and the other lines must compile.
import { createLogger, type Fields, type Logger, type LoggerConfig } from '../../../src';

const log: Logger = createLogger({ name: 'types', level: 'info', transports: [{ type: 'console', pretty: true }] });

log.debug('cache miss', { key: 'k' });
log.info('order placed');
log.warn('slow query', { ms: 1200 });
log.error('payment failed', { err: new Error('declined') });
log.error(new Error('declined'));
log.error(new Error('declined'), { orderId: 1 });
const child: Logger = log.child({ requestId: 'r' });
const flushed: Promise<void> = child.flush();
const closed: Promise<void> = log.close();
const enabled: boolean = log.isLevelEnabled('debug');
interface Order { readonly id: string }
const order: Order = { id: 'o-1' };
log.info('interfaces are fields too', order);
void [flushed, closed, enabled];

// fatal() never returns: code after it is unreachable, and it fits any type.
function requireConfig(value: string | undefined): string {
  if (value === undefined) log.fatal('config missing', { key: 'DATABASE_URL' });
  return value;
}
const port: number = process.env['PORT'] ? Number(process.env['PORT']) : log.fatal('PORT missing');
void [requireConfig, port];

// @ts-expect-error there is no trace level
log.trace('x');
// @ts-expect-error fields must be an object
log.info('x', 42);
// @ts-expect-error fields must be an object
log.info('x', 'a string');
// @ts-expect-error the message comes first
log.info({ orderId: 1 }, 'order placed');
// @ts-expect-error debug takes no Error-first form
log.debug(new Error('x'));
// @ts-expect-error isLevelEnabled takes one of the five levels
log.isLevelEnabled('verbose');

// @ts-expect-error 'verbose' is not a level
const badLevel: LoggerConfig = { level: 'verbose' };
// @ts-expect-error unknown transport type
const badTransport: LoggerConfig = { transports: [{ type: 'kafka' }] };
// @ts-expect-error a file transport needs a path
const noPath: LoggerConfig = { transports: [{ type: 'file' }] };
// @ts-expect-error transports take their own level, from the same five (and silent)
const badTransportLevel: LoggerConfig = { transports: [{ type: 'console', level: 'trace' }] };
void [badLevel, badTransport, noPath, badTransportLevel];

// @ts-expect-error fatal() is typed never: nothing can be done with its result
log.fatal('x').toString();
const anyFields: Fields = { any: 'object' };
void anyFields;
