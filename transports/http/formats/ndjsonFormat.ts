import { OWN_KEYS } from '../../../src/core/record';
import { BodyBuilder, estimateBodyBytes } from './BodyBuilder';
import type { SpoolRecord } from '../../shipping/Sink';
import type { WireFormat } from './WireFormat';

/** The key under which the spool id is added to each line. */
export const NDJSON_ID_KEY = 'logId';
const ID_KEY_TEXT = `"${NDJSON_ID_KEY}":`;

/** The ndjson format's own options (`ndjson` of the http transport). */
export interface NdjsonSettings {
  /**
   * Adds the whole record as logged, as one JSON string under this key: a
   * store that keeps declared columns only (ClickHouse JSONEachRow) keeps
   * every other key there. Unset: nothing is added.
   */
  readonly rawField?: string | undefined;
}

const RAW_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYS_EVERY_RECORD_HAS = [...OWN_KEYS, NDJSON_ID_KEY];

/** Why a name cannot be `ndjson.rawField`, or undefined. It becomes a column name, so it is kept to what needs no quoting. */
export function rawFieldProblem(name: string): string | undefined {
  if (!RAW_FIELD_NAME.test(name)) return 'is not a plain key name like "raw" (letters, digits and _, not starting with a digit)';
  if (KEYS_EVERY_RECORD_HAS.includes(name)) return `is a key the line has already; not one of ${KEYS_EVERY_RECORD_HAS.join(', ')}`;
  return undefined;
}

/**
 * One record per line, as the logger wrote it plus its spool id as a last
 * key `"logId"`: ClickHouse `FORMAT JSONEachRow`, Vector, Fluent Bit and
 * Logstash all read this. With the id, a store can drop the duplicates an
 * at-least-once retry makes (e.g. ClickHouse ReplacingMergeTree keyed on
 * logId). The lines are already JSON, so nothing is parsed: the id is
 * spliced in before the closing brace, which makes this the cheapest format
 * by far. A line that already has a logId key, or does not look like a JSON
 * object, goes out unchanged.
 *
 * With `rawField`, the spooled line itself (after redaction and sanitising,
 * as every transport sees it) is added after the id as one JSON string.
 */
export function createNdjsonFormat(settings: NdjsonSettings): WireFormat {
  const raw = settings.rawField === undefined ? undefined : { key: settings.rawField, keyText: `"${settings.rawField}":` };
  return {
    name: 'ndjson',
    contentType: 'application/x-ndjson',
    encode(records: readonly SpoolRecord[]): Buffer {
      // With the raw copy a line is about twice as long (plus its escaped quotes).
      const body = new BodyBuilder(estimateBodyBytes(records, ID_CHARS_ESTIMATE) * (raw === undefined ? 1 : 2));
      let chunk = '';
      let inChunk = 0;
      for (const r of records) {
        const line = r.line.endsWith('\n') ? r.line.slice(0, -1) : r.line;
        chunk += raw === undefined ? withId(line, r.id) : withIdAndRaw(line, r.id, raw.key, raw.keyText);
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
}

/** The ndjson format without options: what every receiver other than a column store wants. */
export const ndjsonFormat: WireFormat = createNdjsonFormat({});

/**
 * Lines are joined into a string of this many before each encode into the
 * body. The lines arrive as slices of the spool's block text, which V8
 * encodes by a slow path one by one; a joined string of about 64 KB is
 * flattened once and encoded in one go (docs/design.md, "Strings into bytes").
 */
const RECORDS_PER_APPEND = 256;

function looksLikeObject(line: string): boolean {
  return line.length >= 3 && line[0] === '{' && line[line.length - 1] === '}';
}

function idPair(line: string, id: string | undefined): string {
  if (id === undefined || line.includes(ID_KEY_TEXT)) return '';
  return `,${ID_KEY_TEXT}${PLAIN_ID.test(id) ? `"${id}"` : JSON.stringify(id)}`;
}

function withId(line: string, id: string | undefined): string {
  const pair = looksLikeObject(line) ? idPair(line, id) : '';
  return pair === '' ? `${line}\n` : `${line.slice(0, -1)}${pair}}\n`;
}

function withIdAndRaw(line: string, id: string | undefined, key: string, keyText: string): string {
  if (!looksLikeObject(line)) return `${line}\n`;
  // A key text anywhere (nested, or inside another key) is rare; only then is the line parsed to tell.
  const sent = line.includes(keyText) ? withOwnKeyRenamed(line, key) : line;
  return `${sent.slice(0, -1)}${idPair(line, id)},${keyText}${JSON.stringify(line)}}\n`;
}

/**
 * The line with a top-level key of the record named like the raw field
 * renamed `<key>_` (as the logger renames a field named like its own keys):
 * two keys of one name make ClickHouse refuse the whole batch. The raw copy
 * still holds the record's own value.
 */
function withOwnKeyRenamed(line: string, key: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.hasOwn(parsed, key)) return line;
  const record = parsed as Record<string, unknown>;
  let renamed = `${key}_`;
  while (Object.hasOwn(record, renamed)) renamed += '_';
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record)) {
    // Defined, not assigned: a field named "__proto__" stays a field.
    Object.defineProperty(out, k === key ? renamed : k, { value: record[k], enumerable: true, writable: true, configurable: true });
  }
  return JSON.stringify(out);
}

/** Spool ids (segment name, a dot, an index) need no JSON escaping; JSON.stringify costs more than the test. */
const PLAIN_ID = /^[\w.-]+$/;

/** Room per line for `,"logId":"<id>"`, generously: spool ids are under 30 characters. */
const ID_CHARS_ESTIMATE = 64;
