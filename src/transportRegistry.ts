import { z } from 'zod';
import { expectedWords } from './core/config/describeIssues';
import type { SharedResource, Transport, TransportContext } from './core/transport';
import { consoleTransport } from '../transports/console';
import { customTransport } from '../transports/custom';
import { fileTransport } from '../transports/file';
import { httpTransport } from '../transports/http';
import { syslogTransport } from '../transports/syslog';

/** Every transport's options, told apart by `type`. */
export const transportOptionsSchema = z.discriminatedUnion(
  'type',
  [consoleTransport.schema, fileTransport.schema, customTransport.schema, syslogTransport.schema, httpTransport.schema],
  { error: (issue) => ((issue as { code?: string }).code === 'invalid_type' ? expectedWords('an object like { "type": "console" } (type console, file, custom, syslog or http)') : undefined) },
);

export type TransportOptions = z.input<typeof transportOptionsSchema>;
export type ResolvedTransportOptions = z.output<typeof transportOptionsSchema>;

export function createTransport(options: ResolvedTransportOptions, context: TransportContext): Transport {
  switch (options.type) {
    case 'console':
      return consoleTransport.create(options, context);
    case 'file':
      return fileTransport.create(options, context);
    case 'custom':
      return customTransport.create(options, context);
    case 'syslog':
      return syslogTransport.create(options, context);
    case 'http':
      return httpTransport.create(options, context);
  }
}

/** What a transport of these options would hold alone in the process (a file, a spool), to share with a second logger naming it. */
export function sharedResourceOf(options: ResolvedTransportOptions, context: TransportContext): SharedResource | undefined {
  switch (options.type) {
    case 'file':
      return fileTransport.sharedResource?.(options, context);
    case 'syslog':
      return syslogTransport.sharedResource?.(options, context);
    case 'http':
      return httpTransport.sharedResource?.(options, context);
    default:
      return undefined;
  }
}
