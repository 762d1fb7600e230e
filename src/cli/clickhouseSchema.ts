import { rawFieldProblem as transportRawFieldProblem } from '../../transports/http';
/**
 * The ClickHouse table recommended for prodlog's ndjson records, printed by
 * `prodlog clickhouse-schema`. It runs on ClickHouse 18.16 (what Debian
 * ships and the test suite runs) and later; the TTL clause needs 19.6.
 * docs/alerts/README.md explains each choice.
 */

/** Column types a declared field may have: those JSONEachRow reads from JSON strings and numbers. */
export const FIELD_TYPES = ['String', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float32', 'Float64'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface SchemaOptions {
  /** `table` or `database.table`. */
  readonly table: string;
  /** Days a record is kept, or null for no TTL clause (ClickHouse before 19.6: drop partitions instead). */
  readonly ttlDays: number | null;
  /** The service's own fields to keep as typed columns; `a.b` reads key b of object a. */
  readonly fields: readonly { readonly name: string; readonly type: FieldType }[];
  /** The String column for the whole record as logged (the http transport's `ndjson.rawField`), or null for none. */
  readonly rawField: string | null;
}

export const DEFAULT_TTL_DAYS = 30;
export const DEFAULT_RAW_FIELD = 'raw';

/** The settings the insert needs: keys without a column are skipped, `err.*` columns are read from the `err` object. */
export const INSERT_SETTINGS = 'input_format_skip_unknown_fields=1&input_format_import_nested_json=1';

/** The query part of the http transport's url for a table. */
export function insertQuery(table: string): string {
  return `query=${encodeURIComponent(`INSERT INTO ${table} FORMAT JSONEachRow`)}&${INSERT_SETTINGS}`;
}

/**
 * Keys whose type prodlog guarantees in every record: the logger's own
 * (a field of the same name is renamed `<key>_`), the spool id the ndjson
 * format adds, and the serialised error under `err`. A key whose type the
 * service decides could one day hold a value its column cannot parse, and
 * ClickHouse would then refuse the whole batch: those are declared with
 * `--field` by whoever knows their type.
 */
const RECORD_COLUMNS: readonly (readonly [string, string, string])[] = [
  ['time', 'String', 'as logged: ISO-8601 UTC with milliseconds'],
  ['level', 'String', 'debug, info, warn, error, fatal'],
  ['name', 'String', 'the service (logger name)'],
  ['hostname', 'String', ''],
  ['pid', 'UInt32', ''],
  ['msg', 'String', ''],
  ['logId', 'String', 'spool id added by the ndjson format: the same on a retried duplicate'],
  ['err.type', 'String', 'the serialised error of error() and fatal(), empty for other records'],
  ['err.message', 'String', ''],
  ['err.stack', 'String', ''],
  ['err.fingerprint', 'String', 'type and top frames hashed: docs/fingerprint.md'],
];

const DERIVED_COLUMNS: readonly (readonly [string, string, string])[] = [
  ['event_time', 'DateTime MATERIALIZED parseDateTimeBestEffort(time)', 'the second (no DateTime64 before ClickHouse 20.1)'],
  ['event_ms', 'UInt16 MATERIALIZED toUInt16(substring(time, 21, 3))', 'and its milliseconds'],
  ['event_date', 'Date MATERIALIZED toDate(event_time)', 'partitions and the TTL'],
];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isTableName(name: string): boolean {
  const parts = name.split('.');
  return parts.length <= 2 && parts.every((p) => IDENTIFIER.test(p));
}

/** A field path a declared column may read: identifiers joined by dots, not one of the record's own columns. */
export function fieldProblem(name: string): string | undefined {
  if (!name.split('.').every((p) => IDENTIFIER.test(p))) return 'is not a key path like "requestId" or "user.id" (letters, digits, _, dots between keys)';
  if ([...RECORD_COLUMNS, ...DERIVED_COLUMNS].some(([column]) => column === name)) return 'is one of the columns the table always has';
  return undefined;
}

/** Why a name cannot be the raw column: it is a top-level key of the line, so no dots, and no column the table has. */
export function rawFieldProblem(name: string, fields: SchemaOptions['fields']): string | undefined {
  const asTransportOption = transportRawFieldProblem(name);
  if (asTransportOption !== undefined) return asTransportOption;
  if ([...RECORD_COLUMNS, ...DERIVED_COLUMNS].some(([column]) => column === name)) return 'is one of the columns the table always has';
  if (fields.some((f) => f.name === name)) return 'is also given with --field';
  return undefined;
}

function quoted(column: string): string {
  return IDENTIFIER.test(column) ? column : `\`${column}\``;
}

export function clickhouseSchema(options: SchemaOptions): string {
  const raw = options.rawField;
  const width = Math.max(...[...RECORD_COLUMNS, ...options.fields.map((f) => [f.name] as const), ...(raw === null ? [] : [[raw] as const])].map(([c]) => quoted(c).length));
  const line = (column: string, type: string, comment: string): string => `  ${quoted(column).padEnd(width)} ${type}${comment === '' ? '' : ` COMMENT '${comment.replace(/'/g, "\\'")}'`}`;
  const columns = [
    ...RECORD_COLUMNS.map(([c, t, note]) => line(c, t, note)),
    ...options.fields.map((f) => line(f.name, f.type, 'declared with --field')),
    // No CODEC clause: ClickHouse 18.16 refuses one; its parts are compressed with the server's method (LZ4 unless configured).
    ...(raw === null ? [] : [line(raw, 'String', `the record as logged, with the transport's ndjson.rawField; other keys: visitParamExtractString(${raw}, 'key')`)]),
    ...DERIVED_COLUMNS.map(([c, t, note]) => line(c, t, note)),
  ];
  const out = [
    `-- prodlog ndjson records (prodlog clickhouse-schema; docs/alerts/README.md)`,
    `-- http transport: "format": "ndjson",${raw === null ? '' : ` "ndjson": { "rawField": "${raw}" },`} "url": "http://<clickhouse>:8123/?${insertQuery(options.table)}"`,
    `CREATE TABLE IF NOT EXISTS ${options.table} (`,
    columns.join(',\n'),
    ')',
    'ENGINE = ReplacingMergeTree',
    'PARTITION BY toYYYYMMDD(event_date)',
    'ORDER BY (toStartOfHour(event_time), `err.fingerprint`, event_time, event_ms, logId)',
  ];
  if (options.ttlDays !== null) out.push(`TTL event_date + INTERVAL ${options.ttlDays} DAY`);
  return `${out.join('\n')}\n`;
}
