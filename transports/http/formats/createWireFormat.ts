import { createElasticsearchFormat } from './elasticsearchFormat';
import { createLokiFormat } from './lokiFormat';
import type { LokiLabelSettings } from './lokiLabels';
import { createNdjsonFormat, type NdjsonSettings } from './ndjsonFormat';
import { createOtlpFormat } from './otlpFormat';
import type { FormatName, WireFormat } from './WireFormat';

export interface WireFormatSettings {
  readonly format: FormatName;
  readonly serviceName: string;
  readonly loki: Omit<LokiLabelSettings, 'serviceName'>;
  readonly elasticsearch: { readonly index: string };
  readonly ndjson: NdjsonSettings;
}

export function createWireFormat(settings: WireFormatSettings): WireFormat {
  const { serviceName } = settings;
  switch (settings.format) {
    case 'ndjson':
      return createNdjsonFormat(settings.ndjson);
    case 'otlp':
      return createOtlpFormat({ serviceName });
    case 'loki':
      return createLokiFormat({ ...settings.loki, serviceName });
    case 'elasticsearch':
      return createElasticsearchFormat({ index: settings.elasticsearch.index, serviceName });
  }
}
