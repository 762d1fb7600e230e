// Compile-time contract of the public API. `tsc` must accept this file: each
// `@ts-expect-error` line is an error the types must report (tsc fails on an
// unused one), and the other lines must compile.
import { createLogger, getLogger, levelHandler, withContext, type EndpointHandler, type Fields, type LevelSetting, type LevelSnapshot, type Logger, type LoggerConfig, type ScheduledTask, type ScheduleEvery } from '../../../src';

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
// @ts-expect-error the console and the file write prodlog, pino, ecs or gcp lines
const badFormat: LoggerConfig = { transports: [{ type: 'file', path: 'app.log', format: 'bunyan' }] };
const formats: LoggerConfig = { transports: [{ type: 'console', format: 'gcp', gcp: { projectId: 'shop-prod' } }, { type: 'file', path: 'app.log', format: 'ecs' }] };
void [badLevel, badTransport, noPath, badTransportLevel, badFormat, formats];

// @ts-expect-error fatal() is typed never: nothing can be done with its result
log.fatal('x').toString();
const anyFields: Fields = { any: 'object' };
void anyFields;

// Methods are bound: destructured ones keep their types, fatal() its never.
const { info, error: logError, fatal, child: makeChild } = log;
info('order placed', { orderId: 1 });
logError(new Error('declined'));
void Promise.reject(new Error('declined')).catch(log.error);
const portText: string = process.env['PORT'] ?? fatal('PORT missing');
// Narrowing after a never call needs an explicitly typed name (a TypeScript rule), as here.
const exitNow: Logger['fatal'] = log.fatal;
function requirePort(value: string | undefined): string {
  if (value === undefined) exitNow('PORT missing');
  return value;
}
const requestLog: Logger = makeChild({ requestId: 'r' });
void [portText, requirePort, requestLog];

// schedule() takes a duration as in the configuration, and returns a handle to stop it.
const scheduled: ScheduledTask = log.schedule('expire-carts', '60s', async () => undefined);
scheduled.stop();
const every: ScheduleEvery = '500ms';
void every;
// @ts-expect-error a bare number does not say its unit
log.schedule('expire-carts', 60_000, () => undefined);
// @ts-expect-error "M" is a size, not a duration unit
log.schedule('expire-carts', '1M', () => undefined);

// Modules and runtime levels: module() keeps the logger's type, setLevel() takes a level and optional module and ttl.
const db: Logger = log.module('db').module('pool');
db.setLevel('debug', { module: 'db', ttl: '10m' });
db.setLevel('info', { ttl: 60_000 });
const liveLevel: LevelSetting = db.level;
const levelSnapshot: LevelSnapshot = log.health().levels;
void [liveLevel, levelSnapshot];
// @ts-expect-error setLevel takes one of the five levels or silent
log.setLevel('verbose');
// @ts-expect-error the option is module, not name
log.setLevel('debug', { name: 'db' });
// @ts-expect-error level is read-only: change it with setLevel()
log.level = 'debug';
const levelEndpoint: EndpointHandler = levelHandler(log, { token: 'from-a-secret-store' });
void levelEndpoint;
const moduleLevels: LoggerConfig = { level: 'INFO', levels: { db: 'debug', 'http.client': 'Warn' }, levelSignal: { signal: 'SIGUSR2', ttl: '10m' } };
void moduleLevels;

// Sampling: true, false, or { first, thereafter, interval } with the interval as a duration string; health() counts per level.
const sampled: LoggerConfig = { sampling: { first: 100, thereafter: 100, interval: '1s' } };
const sampledDefaults: LoggerConfig = { sampling: true };
// @ts-expect-error the interval is a duration string with its unit, not a number
const sampledBare: LoggerConfig = { sampling: { interval: 1000 } };
const suppressedErrors: number = log.health().suppressed.error;
const unsampled: number = log.health().unsampled;
// @ts-expect-error FATAL is never sampled
void log.health().suppressed.fatal;
void [sampled, sampledDefaults, sampledBare, suppressedErrors, unsampled];

// withContext takes Fields and returns what its function returns.
const fromContext: Promise<number> = withContext({ requestId: 'r-1' }, async () => 42);
void fromContext;
// @ts-expect-error the fields are an object
withContext('r-1', () => 1);

// Options that never come from a config file: which file, and whether this is the root logger.
createLogger({ name: 'over-the-file', configFile: 'config/prodlog.json', root: true });
createLogger({ configFile: false, root: false });
// @ts-expect-error configFile is a path or false
createLogger({ configFile: true });
// @ts-expect-error getLogger takes a module name
getLogger(42);
const moduleLog: Logger = getLogger('db');
void moduleLog;
