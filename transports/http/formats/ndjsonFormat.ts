import type { ShippedRecord } from './ShippedRecord';
import type { WireFormat } from './WireFormat';

/**
 * One record per line, exactly as the logger wrote it: ClickHouse
 * `FORMAT JSONEachRow`, Vector, Fluent Bit and Logstash all read this. The
 * lines are already JSON, so nothing is parsed or rebuilt; this is the
 * cheapest format by far.
 */
export const ndjsonFormat: WireFormat = {
  name: 'ndjson',
  contentType: 'application/x-ndjson',
  encode(records: readonly ShippedRecord[]): string {
    let body = '';
    for (const r of records) body += r.line.endsWith('\n') ? r.line : `${r.line}\n`;
    return body;
  },
};
