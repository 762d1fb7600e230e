import { BodyBuilder } from './BodyBuilder';
import type { ShippedRecord } from './ShippedRecord';
import type { WireFormat } from './WireFormat';

/** The key under which the spool id is added to each line. */
export const NDJSON_ID_KEY = 'logId';
const ID_KEY_TEXT = `"${NDJSON_ID_KEY}":`;

/**
 * One record per line, as the logger wrote it plus its spool id as a last
 * key `"logId"`: ClickHouse `FORMAT JSONEachRow`, Vector, Fluent Bit and
 * Logstash all read this. With the id, a store can drop the duplicates an
 * at-least-once retry makes (e.g. ClickHouse ReplacingMergeTree keyed on
 * logId). The lines are already JSON, so nothing is parsed: the id is
 * spliced in before the closing brace, which makes this the cheapest format
 * by far. A line that already has a logId key, or does not look like a JSON
 * object, goes out unchanged.
 */
export const ndjsonFormat: WireFormat = {
  name: 'ndjson',
  contentType: 'application/x-ndjson',
  encode(records: readonly ShippedRecord[]): Buffer {
    const body = new BodyBuilder(estimateBytes(records));
    for (const r of records) appendWithId(body, r.line.endsWith('\n') ? r.line.slice(0, -1) : r.line, r.id);
    return body.toBuffer();
  },
};

/**
 * One append per record, of one concatenated string: measured about five
 * times cheaper than two appends, because the lines arrive as slices of the
 * spool's block text and V8 encodes a slice by a slower path than a fresh
 * string.
 */
function appendWithId(body: BodyBuilder, line: string, id: string | undefined): void {
  if (id === undefined || line.length < 3 || line[0] !== '{' || line[line.length - 1] !== '}' || line.includes(ID_KEY_TEXT)) {
    body.append(`${line}\n`);
    return;
  }
  body.append(`${line.slice(0, -1)},${ID_KEY_TEXT}${JSON.stringify(id)}}\n`);
}

/** Room for the lines and their ids without growing, for mostly-ASCII records. */
function estimateBytes(records: readonly ShippedRecord[]): number {
  let chars = 0;
  for (const r of records) chars += r.line.length + 64;
  return Math.max(1024, chars);
}
