import { resolve } from 'node:path';
import { urlWithoutSecrets } from '../../src/core/serialize/urlSecrets';
import type { TransportDefinition } from '../shared/TransportDefinition';
import { sharedSpool, shippingSettings } from '../shipping/shippingSettings';
import { defaultDeadLetterPath } from '../shipping/spoolDir';
import type { HttpDeliveryOptions } from './createHttpDelivery';
import type { HttpSinkOptions } from './createSink';
import { ELASTICSEARCH_DEFAULTS, httpSchema, LOKI_DEFAULTS, NDJSON_DEFAULTS } from './httpSchema';
import { proxyFor } from './proxy';

export { rawFieldProblem } from './formats/ndjsonFormat';

/** Ships records in HTTP batches (OTLP, Loki, Elasticsearch bulk, NDJSON) through the on-disk spool. */
export const httpTransport: TransportDefinition<typeof httpSchema> = {
  schema: httpSchema,
  create(options, context) {
    const endpoint = urlWithoutSecrets(new URL(options.url));
    const name = `http:${options.format}:${endpoint}`;
    const settings = shippingSettings(options, {
      type: 'http',
      name,
      loggerName: context.loggerName,
      spoolFolder: defaultSpoolName(options.url, options.format),
    });
    const sinkOptions: HttpSinkOptions = {
      url: options.url,
      headers: options.headers,
      proxy: proxyFor(new URL(options.url), options.proxy, process.env),
      ...(options.compress ? { compress: options.compress } : {}),
      timeoutMs: options.timeoutMs,
      serverErrorMs: options.retry.serverErrorMs,
      authErrorMs: options.retry.authErrorMs,
      wire: {
        format: options.format,
        serviceName: context.loggerName,
        loki: options.loki ?? LOKI_DEFAULTS,
        elasticsearch: options.elasticsearch ?? ELASTICSEARCH_DEFAULTS,
        ndjson: options.ndjson ?? NDJSON_DEFAULTS,
      },
    };
    const delivery: HttpDeliveryOptions = {
      name,
      sink: sinkOptions,
      deadLetter: { path: resolve(options.deadLetter.path ?? defaultDeadLetterPath(settings.spool.dir)), maxBytes: options.deadLetter.maxBytes },
    };
    // Required here, not imported: the shipping core loads only when a shipping transport is created.
    const { ShippingTransport } = require('../shipping/ShippingTransport') as typeof import('../shipping/ShippingTransport');
    return new ShippingTransport({ ...settings, delivery: { worker: { module: 'http', options: delivery } } });
  },
  sharedResource(options, context) {
    return sharedSpool(options, { loggerName: context.loggerName, spoolFolder: defaultSpoolName(options.url, options.format) });
  },
};

/** One spool per destination: host, port and a hash of the whole URL, so two tables on one server never share. */
function defaultSpoolName(url: string, format: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 8);
  return `http-${format}-${u.hostname}-${port}-${hash}`;
}
