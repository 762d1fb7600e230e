import { z } from 'zod';
import { ConfigError } from '../../src/core/config/ConfigError';
import { levelSettingSchema, recordWithKeys, strictOptions } from '../../src/core/config/schemaHelpers';
import { unitOptions } from '../../src/core/config/unitOptions';
import type { TransportDefinition } from '../shared/TransportDefinition';
import { CLOSE_TIMEOUT, shippingOptionsShape } from '../shipping/shippingSchema';
import { sharedSpool, shippingSettings } from '../shipping/shippingSettings';
import type { SyslogSinkOptions } from './createSink';
import type { TlsSettings } from './openSocket';
import { FACILITIES, isSdName, type FacilityName } from './syslogFields';
import { isIP } from 'node:net';

/** A DNS name (RFC 1123: labels of letters, digits and hyphens) or an IP address. */
function isHostName(host: string): boolean {
  return isIP(host) !== 0 || (host.length <= 253 && /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/.test(host));
}

/** Usual ports: 6514 is IANA's for syslog over TLS; plain TCP and RELP have none, these are the customary ones. */
export const DEFAULT_PORTS = { tcp: 514, tls: 6514, relp: 2514 } as const;

/** A record whose keys must be SD-NAMEs. */
function sdNamed<T extends z.ZodType>(values: T) {
  return recordWithKeys(values, (key) => (isSdName(key) ? undefined : 'is under a key that is not an SD-NAME (1-32 printable ASCII characters, none of = ] " or space)'));
}

const schema = unitOptions({
  type: z.literal('syslog'),
  level: levelSettingSchema.optional(),
  host: z.string().refine(isHostName, { message: 'is not a host name or IP address (letters, digits, dots and hyphens, or an IPv4 or IPv6 address)' }),
  /** Defaults to 514 (tcp), 6514 (tls) or 2514 (relp). */
  port: z.int().min(1).max(65_535).optional(),
  /** relp is the one with acknowledgements: nothing is lost when the receiver crashes. */
  protocol: z.enum(['tcp', 'tls', 'relp']),
  /** Octet counting (RFC 6587) or a trailing LF; RELP frames messages itself. */
  framing: z.enum(['octet-counting', 'lf']).default('octet-counting'),
  tls: strictOptions({
    ca: z.string().min(1).optional(),
    caFile: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().optional(),
  }).optional(),
  facility: z.enum(Object.keys(FACILITIES) as [FacilityName, ...FacilityName[]]).default('user'),
  /** APP-NAME; defaults to the logger name. */
  appName: z.string().min(1).optional(),
  /** Extra SD-ELEMENTs on every message, e.g. { "origin": { "software": "checkout" } }. */
  structuredData: sdNamed(sdNamed(z.string().regex(/^[^\x00-\x1f]*$/, 'contains a control character'))).default({}),
  relp: unitOptions(
    { window: z.int().min(1).max(100_000).default(4_096) },
    { durations: { ackTimeout: { min: 100, max: 600_000, default: 10_000 } } },
  ).prefault({}),
  ...shippingOptionsShape,
}, {
  durations: { connectTimeout: { min: 100, max: 600_000, default: 10_000 }, ...CLOSE_TIMEOUT },
  /** maxMessageBytes: the largest message sent (header, structured data and MSG); longer MSGs are cut and marked. The default is rsyslog's maxMessageSize, past which the receiver would cut them anyway. */
  sizes: { maxMessageBytes: { min: 480, max: 16 * 1024 * 1024, default: 8 * 1024 } },
}).superRefine((o, ctx) => {
  if (o.tls && o.protocol === 'tcp') {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'is set but protocol is "tcp": use protocol "tls" (nothing is sent in plaintext when TLS is asked for)' });
  }
});

export const syslogTransport: TransportDefinition<typeof schema> = {
  schema,
  create(options, context) {
    const port = options.port ?? DEFAULT_PORTS[options.protocol];
    const name = `syslog:${options.protocol}://${options.host}:${port}`;
    const tls = options.tls ? readTls(options.tls) : undefined;
    const sinkOptions: SyslogSinkOptions = {
      host: options.host,
      port,
      protocol: options.protocol,
      framing: options.framing,
      ...(tls ? { tls } : {}),
      connectTimeoutMs: options.connectTimeoutMs,
      relpWindow: options.relp.window,
      ackTimeoutMs: options.relp.ackTimeoutMs,
      encoder: {
        facility: options.facility,
        appName: options.appName ?? context.loggerName,
        maxMessageBytes: options.maxMessageBytes,
        structuredData: options.structuredData,
      },
    };
    const settings = shippingSettings(options, {
      type: 'syslog',
      name,
      loggerName: context.loggerName,
      spoolFolder: syslogSpoolFolder(options.protocol, options.host, port),
    });
    // Required here, not imported: the shipping core loads only when a shipping transport is created.
    const { ShippingTransport } = require('../shipping/ShippingTransport') as typeof import('../shipping/ShippingTransport');
    return new ShippingTransport({ ...settings, delivery: { worker: { module: 'syslog', options: sinkOptions } } });
  },
  sharedResource(options, context) {
    const port = options.port ?? DEFAULT_PORTS[options.protocol];
    return sharedSpool({ ...options, port }, { loggerName: context.loggerName, spoolFolder: syslogSpoolFolder(options.protocol, options.host, port) });
  },
};

/** One spool per destination. */
function syslogSpoolFolder(protocol: string, host: string, port: number): string {
  return `syslog-${protocol}-${host}-${port}`;
}

function readTls(tls: TlsSettings): TlsSettings {
  try {
    return (require('./openSocket') as typeof import('./openSocket')).resolveTls(tls);
  } catch (err) {
    throw new ConfigError('options', [`tls.caFile: ${JSON.stringify(tls.caFile)} cannot be read: ${(err as Error).message}`]);
  }
}
