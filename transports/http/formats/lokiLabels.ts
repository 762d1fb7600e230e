import type { RecordView } from './readRecord';

/** Loki's default limit of label names per stream (`max_label_names_per_series`). */
export const MAX_LOKI_LABELS = 15;
/** Past this many distinct values, a label's new values are folded into OVERFLOW_VALUE. */
export const DEFAULT_MAX_VALUES_PER_LABEL = 100;
export const OVERFLOW_VALUE = '_other';
/** Record keys that are unbounded by nature: one stream per value would ruin Loki's index. */
export const UNBOUNDED_KEYS: ReadonlySet<string> = new Set(['time', 'msg', 'pid', 'err']);
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `service_name` and `level`: the labels Grafana's log views filter on first. */
export const DEFAULT_LOKI_LABELS: Readonly<Record<string, string>> = { service_name: 'name', level: 'level' };

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
 */
export class LokiLabels {
  private readonly seen = new Map<string, Set<string>>();
  /** Values folded into `_other` so far; exposed for tests and health. */
  overflowed = 0;

  constructor(private readonly settings: LokiLabelSettings) {
    for (const name of Object.keys(settings.labels)) this.seen.set(name, new Set());
  }

  /** The label set of a record and its stream key (labels in a fixed order). */
  labelsOf(record: RecordView): { labels: Record<string, string>; key: string } {
    const labels: Record<string, string> = { ...this.settings.staticLabels };
    for (const [label, source] of Object.entries(this.settings.labels)) {
      const value = this.bounded(label, valueOf(record, source, this.settings.serviceName));
      if (value !== undefined) labels[label] = value;
    }
    return { labels, key: JSON.stringify(labels) };
  }

  private bounded(label: string, value: string | undefined): string | undefined {
    // Loki treats an empty label value as no label at all.
    if (value === undefined || value === '') return undefined;
    const seen = this.seen.get(label);
    if (seen === undefined || seen.has(value)) return value;
    if (seen.size >= this.settings.maxValuesPerLabel) {
      this.overflowed++;
      return OVERFLOW_VALUE;
    }
    seen.add(value);
    return value;
  }
}

function valueOf(record: RecordView, source: string, serviceName: string): string | undefined {
  if (source === 'name') return record.name ?? serviceName;
  if (source === 'level') return record.level;
  if (source === 'hostname') return record.hostname;
  const v = record.fields[source];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}
