import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ShippedRecord } from './formats/ShippedRecord';

/** Readable by owner and group only, like log files: dead letters are log records. */
const DEAD_LETTER_MODE = 0o640;

/**
 * Records a receiver refused for good, one JSON line each:
 * `{"deadAt":"...","reason":"HTTP 400: ...","id":"...","record":{...}}`.
 * The record is embedded as written, so `jq -c .record` gives lines that can
 * be fixed and replayed. Appends are synchronous: dead letters are rare and
 * must not wait in memory for a process that may be about to exit.
 *
 * The file is capped: a receiver that refuses everything (a revoked token)
 * would otherwise turn it into a second, unbounded copy of the log. Past the
 * cap records are counted as dropped; the first drop is reported once.
 */
export class DeadLetterFile {
  private size: number;
  dropped = 0;
  private warned = false;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly report: (text: string) => void,
  ) {
    this.size = sizeOf(path);
  }

  write(records: readonly ShippedRecord[], reason: string): void {
    const deadAt = new Date().toISOString();
    let text = '';
    for (const r of records) {
      text += `{"deadAt":"${deadAt}","reason":${JSON.stringify(reason)}${r.id === undefined ? '' : `,"id":${JSON.stringify(r.id)}`},"record":${embeddable(r.line)}}\n`;
    }
    this.append(text, records.length);
  }

  /** A refusal the receiver did not attribute to records (OTLP partial success gives only a count). */
  note(count: number, reason: string): void {
    this.append(`{"deadAt":"${new Date().toISOString()}","reason":${JSON.stringify(reason)},"unidentifiedRecords":${count}}\n`, count);
  }

  private append(text: string, records: number): void {
    const bytes = Buffer.byteLength(text);
    if (this.size + bytes > this.maxBytes) {
      this.dropped += records;
      if (!this.warned) {
        this.warned = true;
        this.report(`dead-letter file ${this.path} is at its cap of ${this.maxBytes} bytes; further refused records are dropped and counted`);
      }
      return;
    }
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, text, { mode: DEAD_LETTER_MODE });
      this.size += bytes;
    } catch (err) {
      this.dropped += records;
      this.report(`cannot write dead-letter file ${this.path}: ${(err as Error).message}`);
    }
  }
}

/** A valid JSON record goes in as is; anything else as a string, so the file stays one JSON object per line. */
function embeddable(line: string): string {
  const text = line.endsWith('\n') ? line.slice(0, -1) : line;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
