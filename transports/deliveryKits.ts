import { createHttpDelivery, type HttpDeliveryOptions } from './http/createHttpDelivery';
import type { DeliveryKit } from './shipping/DeliveryService';
import type { Sink, SinkRecipe } from './shipping/Sink';
import { createSink as createSyslogSink, type SyslogSinkOptions } from './syslog/createSink';

/**
 * The sink kinds the delivery worker can build, by name: imported here, not
 * loaded by path, so a bundle that includes the worker includes them too.
 */
const KINDS: Readonly<Record<string, (options: never, report: (text: string) => void) => DeliveryKit>> = {
  http: (options: HttpDeliveryOptions, report) => createHttpDelivery(options, report),
  syslog: (options: SyslogSinkOptions) => ({ sink: createSyslogSink(options) }),
};

/**
 * Builds the delivery side of a shipping transport from its recipe: a
 * built-in kind, or an absolute path to a CommonJS module exporting
 * `createSink(options): Sink` (a sink of one's own, tests).
 */
export function createDeliveryKit(recipe: SinkRecipe, report: (text: string) => void): DeliveryKit {
  const kind = KINDS[recipe.module];
  if (kind) return kind(recipe.options as never, report);
  const factory = require(recipe.module) as { createSink(options: unknown): Sink };
  return { sink: factory.createSink(recipe.options) };
}
