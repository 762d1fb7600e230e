// Compile-time contract of typed events. `tsc` must accept this file: each
// `@ts-expect-error` line is an error the types must report (tsc fails on an
// unused one), and the other lines must compile.
import { createLogger, getLogger, healthHandler, requestLogger, type Logger } from '../../../src';
import { createTestLogger } from '../../../src/testing';

interface ShopEvents {
  'order.placed': { orderId: string; total: number };
  'order.cancelled': { orderId: string; reason?: string };
  'cache.cleared': { keys?: number };
  'stock.low': Readonly<{ sku: string; left: number }>;
}

const log = createLogger<ShopEvents>({ name: 'shop', transports: [{ type: 'console' }] });

log.event('order.placed', { orderId: 'o-1', total: 12.5 });
log.event('order.cancelled', { orderId: 'o-1' });
log.event('order.cancelled', { orderId: 'o-1', reason: 'customer' });
log.event('cache.cleared');
log.event('cache.cleared', { keys: 3 });
log.event('stock.low', { sku: 'A-1', left: 2 }, 'warn');
log.event('order.placed', { orderId: 'o-2', total: 1 }, 'debug');
const placed = { orderId: 'o-3', total: 3 };
log.event('order.placed', placed);

// @ts-expect-error an event name that is not declared
log.event('order.shipped', { orderId: 'o-1' });
// @ts-expect-error a missing field
log.event('order.placed', { orderId: 'o-1' });
// @ts-expect-error a field of the wrong type
log.event('order.placed', { orderId: 1, total: 2 });
// @ts-expect-error a field the event does not declare
log.event('order.placed', { orderId: 'o-1', total: 2, coupon: 'x' });
// @ts-expect-error fields are required when the event has a required field
log.event('order.placed');
// @ts-expect-error fatal is not an event level: fatal() exits
log.event('stock.low', { sku: 'A-1', left: 0 }, 'fatal');
// @ts-expect-error not a level
log.event('stock.low', { sku: 'A-1', left: 0 }, 'notice');

// Children emit the same events, checked the same way.
const child = log.child({ requestId: 'r-1' });
child.event('order.placed', { orderId: 'o-4', total: 4 });
// @ts-expect-error a child checks its events too
child.event('order.placed', { orderId: 'o-4' });
const typedChild: Logger<ShopEvents> = child;
void typedChild;

// A logger without an event map has no events to emit.
const plain = createLogger({ name: 'plain' });
// @ts-expect-error no events were declared
plain.event('order.placed', { orderId: 'o-1', total: 1 });

// `event` is the key of the event name: an event cannot declare a field of that name.
interface Clashing {
  'x.happened': { event: string };
}
// @ts-expect-error a field called `event` would hide the event name
createLogger<Clashing>();

// A typed logger is still a Logger wherever one is expected.
const asPlain: Logger = log;
requestLogger(log);
healthHandler({ log });
void asPlain;

// A function over any typed logger, and one that needs a given event.
function placeOrder(l: Logger<Pick<ShopEvents, 'order.placed'>>, orderId: string): void {
  l.event('order.placed', { orderId, total: 0 });
}
placeOrder(log, 'o-5');
// @ts-expect-error a logger without that event cannot be used
placeOrder(plain, 'o-6');

// Test loggers are untyped; a service's test casts to its own events.
const { log: testLog } = createTestLogger();
placeOrder(testLog as Logger<ShopEvents>, 'o-7');

// A module logger emits the same events, checked the same way.
const billing = log.module('billing');
billing.event('order.placed', { orderId: 'o-4', total: 4 });
// @ts-expect-error a module logger knows the same events, and no others
billing.event('order.shipped', { orderId: 'o-1' });

// getLogger() takes the event map as createLogger() does, for the root and for a module logger.
const rootLog = getLogger<ShopEvents>();
rootLog.event('order.placed', { orderId: 'o-8', total: 3 });
const dbLog: Logger<ShopEvents> = getLogger<ShopEvents>('db');
dbLog.event('order.placed', { orderId: 'o-9', total: 4 });
// @ts-expect-error the event map checks getLogger()'s events too
getLogger<ShopEvents>('db').event('order.placed', { orderId: 'o-10' });
// @ts-expect-error an untyped getLogger() has no events
getLogger().event('order.placed', { orderId: 'o-11', total: 1 });
