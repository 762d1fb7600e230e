import type { Sink } from '../shipping/Sink';
import type { Framing } from './framing';
import type { TlsSettings } from './openSocket';
import { RelpSink } from './RelpSink';
import { Rfc5424Encoder, type EncoderSettings } from './Rfc5424Encoder';
import { StreamSink } from './StreamSink';

export type SyslogProtocol = 'tcp' | 'tls' | 'relp';

/** Everything a syslog sink needs, plain data: it is cloned into the delivery worker. */
export interface SyslogSinkOptions {
  readonly host: string;
  readonly port: number;
  readonly protocol: SyslogProtocol;
  readonly framing: Framing;
  /** TLS settings with files already read (PEM text); required for "tls", optional for "relp". */
  readonly tls?: TlsSettings;
  readonly connectTimeoutMs: number;
  readonly relpWindow: number;
  readonly ackTimeoutMs: number;
  readonly encoder: EncoderSettings;
}

/** The sink for a syslog transport, built in the delivery worker (transports/deliveryKits.ts). */
export function createSink(options: SyslogSinkOptions): Sink {
  const encoder = new Rfc5424Encoder(options.encoder);
  const endpoint = {
    host: options.host,
    port: options.port,
    connectTimeoutMs: options.connectTimeoutMs,
    ...(options.tls && options.protocol !== 'tcp' ? { tls: options.tls } : {}),
  };
  if (options.protocol === 'relp') return new RelpSink(endpoint, encoder, { window: options.relpWindow, ackTimeoutMs: options.ackTimeoutMs });
  return new StreamSink(options.protocol === 'tls' ? { ...endpoint, tls: options.tls ?? {} } : endpoint, encoder, options.framing, options.ackTimeoutMs);
}
