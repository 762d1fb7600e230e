import { ERROR_KEY, HOSTNAME_KEY, LEVEL_KEY, MESSAGE_KEY, NAME_KEY, PID_KEY, TIME_KEY } from '../../../src/core/record';
import type { RecordView } from './readRecord';

/** Loki's default limit of label names per stream (`max_label_names_per_series`). */
export const MAX_LOKI_LABELS = 15;
/** Past this many distinct values, a label's new values are folded into OVERFLOW_VALUE. */
export const DEFAULT_MAX_VALUES_PER_LABEL = 100;
export const OVERFLOW_VALUE = '_other';
/** Record keys that are unbounded by nature: one stream per value would ruin Loki's index. */
export const UNBOUNDED_KEYS: ReadonlySet<string> = new Set([TIME_KEY, MESSAGE_KEY, PID_KEY, ERROR_KEY]);
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `service_name` and `level`: the labels Grafana's log views filter on first. */
export const DEFAULT_LOKI_LABELS: Readonly<Record<string, string>> = { service_name: NAME_KEY, level: LEVEL_KEY };

export interface LokiLabelSettings {
  /** Label name to the record key its value comes from. */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels with a fixed value on every stream, e.g. `{ env: "prod" }`. */
  readonly staticLabels: Readonly<Record<string, string>>;
  readonly maxValuesPerLabel: number;
  /** service_name for records without a `name`. */
  readonly serviceName: string;
}

/**
 * Builds the label set of a record and keeps it low-cardinality. Config
 * checks keep unbounded keys out; at run time each label admits a bounded
 * number of distinct values, so a field that turns out to be unbounded (a
 * user id someone chose as a label) folds into `_other` instead of creating
 * a stream per value. The full record stays in the line either way.
 *
 * Per record only a stream key is made (keyOf); the label object is built
 * from the key once per stream (labelsOf), not once per record.
 */
export class LokiLabels {
  /** The configured labels in their order, each with the values it has admitted so far. */
  private readonly dynamic: readonly DynamicLabel[];

  constructor(private readonly settings: LokiLabelSettings) {
    this.dynamic = Object.entries(settings.labels).map(([label, source]) => ({
      label,
      source,
      seen: new Set<string>(),
      // A static label of the same name is what the stream shows when the record has no value for it.
      absent: Object.hasOwn(settings.staticLabels, label) ? (settings.staticLabels[label] as string) : '',
    }));
  }

  /**
   * The stream key of a record: what each label shows, in the configured
   * order, joined with '\0' (which a shown value never holds: see
   * labelValue). A label the record has no value for shows its static value
   * or nothing (''; an empty value is never a label). Static labels are the
   * same on every stream and stay out of the key.
   */
  keyOf(record: RecordView): string {
    let key = '';
    for (let i = 0; i < this.dynamic.length; i++) {
      const entry = this.dynamic[i] as DynamicLabel;
      const shown = this.bounded(entry.seen, valueOf(record, entry.source, this.settings.serviceName)) ?? entry.absent;
      key = i === 0 ? shown : `${key}\0${shown}`;
    }
    return key;
  }

  /** The label set of a stream, from its key. */
  labelsOf(key: string): Record<string, string> {
    const shown = key.split('\0');
    const labels: Record<string, string> = { ...this.settings.staticLabels };
    this.dynamic.forEach((entry, i) => {
      const value = shown[i];
      if (value !== undefined && value !== '') labels[entry.label] = value;
    });
    return labels;
  }

  private bounded(seen: Set<string>, value: string | undefined): string | undefined {
    // Loki treats an empty label value as no label at all.
    if (value === undefined || value === '') return undefined;
    if (seen.has(value)) return value;
    if (seen.size >= this.settings.maxValuesPerLabel) return OVERFLOW_VALUE;
    seen.add(value);
    return value;
  }
}

interface DynamicLabel {
  readonly label: string;
  /** The record key the value comes from. */
  readonly source: string;
  readonly seen: Set<string>;
  /** What the label shows on a record without a value: the static label of the same name, or '' for no label. */
  readonly absent: string;
}

function valueOf(record: RecordView, source: string, serviceName: string): string | undefined {
  if (source === LEVEL_KEY) return record.level;
  const v = source === NAME_KEY ? (record.name ?? serviceName) : source === HOSTNAME_KEY ? record.hostname : record.fields[source];
  return typeof v === 'string' ? labelValue(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * Label values are categories, shown raw in Grafana's label browser and
 * indexed by Loki: at most MAX_LABEL_VALUE_CHARS characters (Loki refuses
 * values over 2,048 bytes, `max_label_value_length`, and with them the whole
 * push), and control characters (C0, DEL, C1, U+2028/2029) written as
 * visible escapes, so a logged value cannot break a line where it is shown.
 */
export const MAX_LABEL_VALUE_CHARS = 256;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function labelValue(raw: string): string {
  const cut = raw.length > MAX_LABEL_VALUE_CHARS ? `${raw.slice(0, MAX_LABEL_VALUE_CHARS - 1)}…` : raw;
  return cut.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
