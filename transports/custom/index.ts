import { z } from 'zod';
import { levelSettingSchema, strictOptions } from '../../src/core/config/schemaHelpers';
import type { Transport } from '../../src/core/transport';
import type { TransportDefinition } from '../shared/TransportDefinition';

const TRANSPORT_METHODS = ['write', 'flush', 'flushSync', 'close', 'health'] as const;

function isTransport(value: unknown): value is Transport {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate['name'] === 'string' && TRANSPORT_METHODS.every((m) => typeof candidate[m] === 'function');
}

const schema = strictOptions({
  type: z.literal('custom'),
  level: levelSettingSchema.optional(),
  /** An object implementing the Transport interface (code only; not from a config file). */
  transport: z.custom<Transport>(isTransport, {
    message: `is not a Transport: expected an object with a name and the methods ${TRANSPORT_METHODS.join(', ')}`,
  }),
});

/** A transport object supplied by the application, e.g. the in-memory transport of prodlog/testing. */
export const customTransport: TransportDefinition<typeof schema> = {
  schema,
  create(options) {
    return options.transport;
  },
};
