/** An OTLP AnyValue in the OTLP/JSON encoding. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } }
  | Record<string, never>;

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/**
 * A JSON value as a typed OTLP AnyValue, nested objects as `kvlistValue` and
 * arrays as `arrayValue`, the same mapping the OpenTelemetry JS SDK uses, so
 * a query on `attributes.order.id` works the same for records from either.
 *
 * One deliberate difference: integers are written as decimal strings, as the
 * OTLP/JSON encoding specifies for int64 (the JS SDK writes JSON numbers,
 * which receivers also accept). Integers beyond 2^53 cannot be exact in a
 * JSON number, so they go out as doubles rather than as a wrong int64.
 */
export function toAnyValue(value: unknown): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
    case 'object':
      if (value === null) return {};
      if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
      return { kvlistValue: { values: toKeyValues(value as Record<string, unknown>) } };
    default:
      return {};
  }
}

/** The entries of an object as key-values, in order, leaving out the keys in `skip`. */
export function toKeyValues(obj: Readonly<Record<string, unknown>>, skip?: readonly string[]): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const key of Object.keys(obj)) {
    if (skip?.includes(key)) continue;
    out.push({ key, value: toAnyValue(obj[key]) });
  }
  return out;
}
