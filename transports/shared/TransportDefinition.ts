import type { z } from 'zod';
import type { SharedResource, Transport, TransportContext } from '../../src/core/transport';

export type { SharedResource };

/** What each transport folder exports: its options schema and a factory taking the parsed options. */
export interface TransportDefinition<Schema extends z.ZodType> {
  readonly schema: Schema;
  create(options: z.output<Schema>, context: TransportContext): Transport;
  /** The resource an instance of these options would hold alone, if any (see SharedResource). */
  sharedResource?(options: z.output<Schema>, context: TransportContext): SharedResource | undefined;
}
