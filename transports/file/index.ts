import { z } from 'zod';
import { levelSettingSchema, strictOptions } from '../../src/config/schemaHelpers';
import type { TransportDefinition } from '../shared/TransportDefinition';
import { FileTransport } from './FileTransport';

const schema = strictOptions({
  type: z.literal('file'),
  level: levelSettingSchema.optional(),
  /** The log file; parent folders are created. Relative paths resolve against the working directory. */
  path: z.string().min(1),
});

export const fileTransport: TransportDefinition<typeof schema> = {
  schema,
  create(options) {
    return new FileTransport({ path: options.path });
  },
};
