/**
 * One record as the shipping spool hands it to a wire format: the JSON line
 * the logger wrote (with or without its trailing newline) and, when the spool
 * assigns one, a stable id that survives retries, so a receiver that knows
 * ids (Elasticsearch `_id`, OTLP `log.record.uid`) can drop duplicates.
 */
export interface ShippedRecord {
  readonly line: string;
  readonly id?: string;
}
