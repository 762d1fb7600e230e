import { statusAction } from '../response/statusAction';
import { BodyBuilder, estimateBodyBytes } from './BodyBuilder';
import { ecsDocument } from './ecsDocument';
import { compileIndexPattern } from './indexPattern';
import { readRecord } from './readRecord';
import type { SpoolRecord } from '../../shipping/Sink';
import type { PartialResult, WireFormat } from './WireFormat';

export interface ElasticsearchFormatSettings {
  /** e.g. `prodlog-%{service}-%{+yyyy.MM.dd}`; see indexPattern.ts. */
  readonly index: string;
  readonly serviceName: string;
}

/**
 * The `_bulk` API: an action line and an ECS document line per record,
 * NDJSON. The action is `create`, which both plain indices and data streams
 * accept; with a spool id as `_id`, a record sent twice is refused as a
 * version conflict (409), which counts as delivered.
 */
export function createElasticsearchFormat(settings: ElasticsearchFormatSettings): WireFormat {
  const indexFor = compileIndexPattern(settings.index);
  const escaped = new Map<string, string>();
  const escapedIndex = (index: string): string => {
    let text = escaped.get(index);
    if (text === undefined) {
      if (escaped.size > 1_000) escaped.clear(); // index names change with the date: keep the cache small
      text = JSON.stringify(index);
      escaped.set(index, text);
    }
    return text;
  };
  return {
    name: 'elasticsearch',
    contentType: 'application/x-ndjson',
    // Only what the partial-success check reads: a 10,000-item answer would otherwise be megabytes.
    queryDefaults: { filter_path: 'errors,items.*.status,items.*.error.type,items.*.error.reason' },
    encode(records: readonly SpoolRecord[]): Buffer {
      const body = new BodyBuilder(estimateBodyBytes(records, BULK_CHARS_ESTIMATE));
      const now = Date.now();
      for (const shipped of records) {
        const record = readRecord(shipped);
        const timeMs = record.timeMs ?? now;
        const service = record.name ?? settings.serviceName;
        // The action line as text: the index name is escaped once per name, not once per record.
        const action = `{"create":{"_index":${escapedIndex(indexFor(service, timeMs))}${record.id === undefined ? '' : `,"_id":${JSON.stringify(record.id)}`}}}`;
        const timestamp = record.time !== undefined && record.timeMs !== undefined ? record.time : new Date(timeMs).toISOString();
        body.append(`${action}\n${JSON.stringify(ecsDocument(record, settings.serviceName, timestamp))}\n`);
      }
      return body.toBuffer();
    },
    readPartialResult: readBulkItemErrors,
  };
}

/**
 * What a record gains on its way into a bulk body: the action line with
 * index and id, and the ECS names and objects in place of the logger's keys,
 * with headroom, so that a body is allocated once instead of growing from
 * 64 KiB by doubling (docs/design.md, "Strings into bytes").
 */
const BULK_CHARS_ESTIMATE = 192;

interface BulkItem {
  readonly status?: number;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

/**
 * A bulk answer is 200 even when items failed: `errors: true` and a status
 * per item, in request order. Item statuses follow the same rule as whole
 * requests (statusAction), except 409: with our own `_id` on `create` it means
 * the document is already there from an earlier attempt.
 */
export function readBulkItemErrors(body: string, batchSize: number): PartialResult | undefined {
  let parsed: { errors?: unknown; items?: unknown } | null;
  try {
    parsed = JSON.parse(body) as { errors?: unknown; items?: unknown } | null;
  } catch {
    return undefined;
  }
  if (parsed?.errors !== true || !Array.isArray(parsed.items)) return undefined;
  const retry: number[] = [];
  const rejected: number[] = [];
  const reasons = new Map<string, number>();
  parsed.items.forEach((entry: unknown, i: number) => {
    if (i >= batchSize) return;
    const item = firstValue(entry);
    const status = item?.status ?? 500;
    const action = status === 409 ? 'delivered' : statusAction(status);
    if (action === 'delivered') return;
    (action === 'retry' ? retry : rejected).push(i);
    const reason = `${status} ${item?.error?.type ?? 'error'}: ${item?.error?.reason ?? ''}`.trim();
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  });
  if (retry.length === 0 && rejected.length === 0) return undefined;
  const reason = [...reasons].map(([r, n]) => (n > 1 ? `${n}x ${r}` : r)).join('; ');
  return { retry, rejected, rejectedUnidentified: 0, reason: `bulk items failed: ${reason}` };
}

/** Each item is `{ "<action>": { status, error } }`. */
function firstValue(entry: unknown): BulkItem | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const values = Object.values(entry as Record<string, unknown>);
  return values[0] as BulkItem | undefined;
}
