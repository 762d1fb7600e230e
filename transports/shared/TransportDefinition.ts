import type { z } from 'zod';
import type { Transport, TransportContext } from '../../src/core/transport';

/** What each transport folder exports: its options schema and a factory taking the parsed options. */
export interface TransportDefinition<Schema extends z.ZodType> {
  readonly schema: Schema;
  create(options: z.output<Schema>, context: TransportContext): Transport;
}
