import { LokiLabels, type LokiLabelSettings } from './lokiLabels';
import { readRecord } from './readRecord';
import type { SpoolRecord } from '../../shipping/Sink';
import type { WireFormat } from './WireFormat';

interface Entry {
  readonly ms: number;
  readonly order: number;
  readonly line: string;
}

/**
 * The Loki push API in JSON (`POST /loki/api/v1/push`):
 * `{"streams":[{"stream":{labels},"values":[["<unix ns>","<line>"],...]}]}`.
 * The line is the whole record as the logger wrote it, so LogQL's `| json`
 * sees every field; only a few bounded keys become labels (LokiLabels).
 * Entries are sorted by time within each stream, ties kept in spool order,
 * because older Loki versions refuse out-of-order entries in a stream.
 *
 * A record sent twice (a retry after a lost answer) has the same stream,
 * timestamp and line, which Loki stores once.
 */
export function createLokiFormat(settings: LokiLabelSettings): WireFormat {
  const labeler = new LokiLabels(settings);
  return {
    name: 'loki',
    contentType: 'application/json',
    encode(records: readonly SpoolRecord[]): Buffer {
      const streams = new Map<string, { labels: Record<string, string>; entries: Entry[] }>();
      // A line whose time cannot be read (torn, foreign) is stamped now rather than at 1970, which Loki would refuse.
      const now = Date.now();
      records.forEach((shipped, order) => {
        const record = readRecord(shipped);
        const key = labeler.keyOf(record);
        let stream = streams.get(key);
        if (stream === undefined) {
          stream = { labels: labeler.labelsOf(key), entries: [] };
          streams.set(key, stream);
        }
        stream.entries.push({ ms: record.timeMs ?? now, order, line: record.line });
      });
      const out = [...streams.values()].map(({ labels, entries }) => ({
        stream: labels,
        values: entries.sort((a, b) => a.ms - b.ms || a.order - b.order).map((e) => [`${e.ms}000000`, e.line]),
      }));
      return Buffer.from(JSON.stringify({ streams: out }), 'utf8');
    },
  };
}
