import { parseDuration } from '../core/config/parseDuration';
import { clickhouseSchema, DEFAULT_RAW_FIELD, DEFAULT_TTL_DAYS, FIELD_TYPES, fieldProblem, isTableName, rawFieldProblem, type FieldType } from './clickhouseSchema';
import { parseCommandArgs, usageError, type CommandSpec } from './commandArgs';
import type { CommandIo } from './CommandIo';

export const CLICKHOUSE_SCHEMA: CommandSpec<{ table: { type: 'string' }; ttl: { type: 'string' }; field: { type: 'string'; multiple: true }; 'raw-field': { type: 'string' } }> = {
  name: 'clickhouse-schema',
  usage: `usage: prodlog clickhouse-schema [--table <name>] [--ttl <days>d|none] [--field <key>:<type>]... [--raw-field <key>|none]

  The recommended ClickHouse table for the http transport's ndjson format,
  ready for clickhouse-client (docs/alerts/README.md).
  --table <name>          table or database.table (default logs)
  --ttl <days>d|none      how long records are kept (default ${DEFAULT_TTL_DAYS}d); none for ClickHouse before 19.6
  --field <key>:<type>    a key of your records as a typed column, e.g. requestId:String, status:UInt16;
                          types: ${FIELD_TYPES.join(', ')}
  --raw-field <key>|none  a String column for the whole record as logged, filled when the transport
                          sets the same ndjson.rawField; the other keys are read from it (default ${DEFAULT_RAW_FIELD})
`,
  options: { table: { type: 'string' }, ttl: { type: 'string' }, field: { type: 'string', multiple: true }, 'raw-field': { type: 'string' } },
  operands: { min: 0, max: 0 },
};

const DAY_MS = 86_400_000;

/** `prodlog clickhouse-schema`: prints the recommended table for the ndjson format, ready for clickhouse-client. */
export function clickhouseSchemaCommand(args: readonly string[], io: CommandIo): number {
  const parsed = parseCommandArgs(CLICKHOUSE_SCHEMA, args, io);
  if (typeof parsed === 'number') return parsed;
  const { table = 'logs', ttl, field = [], 'raw-field': rawField = DEFAULT_RAW_FIELD } = parsed.values;
  if (!isTableName(table)) return usageError(CLICKHOUSE_SCHEMA, io, `--table ${JSON.stringify(table)} is not a table name like "logs" or "observability.logs"`);
  const ttlMs = ttl === undefined || ttl === 'none' ? null : parseDuration(ttl);
  if (ttlMs === undefined || (ttlMs !== null && ttlMs % DAY_MS !== 0)) {
    return usageError(CLICKHOUSE_SCHEMA, io, `--ttl ${JSON.stringify(ttl)} is not a whole number of days like "30d" or "2w", nor "none"`);
  }
  const fields: { name: string; type: FieldType }[] = [];
  for (const value of field) {
    const colon = value.lastIndexOf(':');
    const name = colon > 0 ? value.slice(0, colon) : value;
    const type = colon > 0 ? value.slice(colon + 1) : '';
    const problem = fieldProblem(name);
    if (problem !== undefined) return usageError(CLICKHOUSE_SCHEMA, io, `--field ${JSON.stringify(value)}: ${JSON.stringify(name)} ${problem}`);
    if (!(FIELD_TYPES as readonly string[]).includes(type)) {
      return usageError(CLICKHOUSE_SCHEMA, io, `--field ${JSON.stringify(value)}: the type ${JSON.stringify(type)} is not one of ${FIELD_TYPES.join(', ')}`);
    }
    if (fields.some((f) => f.name === name)) return usageError(CLICKHOUSE_SCHEMA, io, `--field ${JSON.stringify(name)} is given twice`);
    fields.push({ name, type: type as FieldType });
  }
  const rawProblem = rawField === 'none' ? undefined : rawFieldProblem(rawField, fields);
  if (rawProblem !== undefined) return usageError(CLICKHOUSE_SCHEMA, io, `--raw-field ${JSON.stringify(rawField)} ${rawProblem}`);
  const ttlDays = ttl === undefined ? DEFAULT_TTL_DAYS : ttlMs === null ? null : ttlMs / DAY_MS;
  io.stdout(clickhouseSchema({ table, ttlDays, fields, rawField: rawField === 'none' ? null : rawField }));
  return 0;
}
