import { BodyBuilder, estimateBodyBytes } from './BodyBuilder';
import type { SpoolRecord } from '../../shipping/Sink';
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
  encode(records: readonly SpoolRecord[]): Buffer {
    const body = new BodyBuilder(estimateBodyBytes(records, ID_CHARS_ESTIMATE));
    let chunk = '';
    let inChunk = 0;
    for (const r of records) {
      chunk += withId(r.line.endsWith('\n') ? r.line.slice(0, -1) : r.line, r.id);
      if (++inChunk === RECORDS_PER_APPEND) {
        body.append(chunk);
        chunk = '';
        inChunk = 0;
      }
    }
    if (chunk !== '') body.append(chunk);
    return body.toBuffer();
  },
};

/**
 * Lines are joined into a string of this many before each encode into the
 * body. The lines arrive as slices of the spool's block text, which V8
 * encodes by a slow path one by one; a joined string of about 64 KB is
 * flattened once and encoded in one go (docs/design.md, "Strings into bytes").
 */
const RECORDS_PER_APPEND = 256;

function withId(line: string, id: string | undefined): string {
  if (id === undefined || line.length < 3 || line[0] !== '{' || line[line.length - 1] !== '}' || line.includes(ID_KEY_TEXT)) return `${line}\n`;
  return `${line.slice(0, -1)},${ID_KEY_TEXT}${PLAIN_ID.test(id) ? `"${id}"` : JSON.stringify(id)}}\n`;
}

/** Spool ids (segment name, a dot, an index) need no JSON escaping; JSON.stringify costs more than the test. */
const PLAIN_ID = /^[\w.-]+$/;

/** Room per line for `,"logId":"<id>"`, generously: spool ids are under 30 characters. */
const ID_CHARS_ESTIMATE = 64;
