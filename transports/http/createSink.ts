import { urlWithoutSecrets } from '../../src/core/serialize/urlSecrets';
import type { Sink } from '../shipping/Sink';
import { createWireFormat, type WireFormatSettings } from './formats/createWireFormat';
import { HttpBatchSender, withQueryDefaults } from './HttpBatchSender';
import { HttpPoster } from './HttpPoster';
import { HttpSink } from './HttpSink';

/** Everything an HTTP sink needs, plain data: it is cloned into the delivery worker. */
export interface HttpSinkOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly compress?: 'gzip';
  readonly timeoutMs: number;
  /** The proxy for this URL, resolved from the options and the environment where the transport was created. */
  readonly proxy?: string | undefined;
  readonly serverErrorMs: number;
  readonly authErrorMs: number;
  readonly wire: WireFormatSettings;
}

/** The sink for an http transport, built in the delivery worker (transports/deliveryKits.ts). */
export function createSink(options: HttpSinkOptions): Sink {
  const format = createWireFormat(options.wire);
  const url = withQueryDefaults(options.url, format.queryDefaults);
  const poster = new HttpPoster({ url, headers: options.headers, compress: options.compress, timeoutMs: options.timeoutMs, proxy: options.proxy });
  return new HttpSink(new HttpBatchSender(format, poster), {
    endpoint: urlWithoutSecrets(new URL(options.url)),
    serverErrorMs: options.serverErrorMs,
    authErrorMs: options.authErrorMs,
  });
}
