import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { stripNewline } from './formats/readRecord';
import type { SpoolRecord } from '../shipping/Sink';

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
 * cap records are not written (they are counted as failed in health all the
 * same); the first drop is reported once.
 */
export class DeadLetterFile {
  private size: number;
  private warned = false;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly report: (text: string) => void,
  ) {
    this.size = sizeOf(path);
  }

  write(records: readonly SpoolRecord[], reason: string): void {
    const head = `{"deadAt":"${new Date().toISOString()}","reason":${JSON.stringify(reason)}`;
    // A lower bound on the batch's bytes, found without formatting it: each line holds at least the head,
    // `,"record":`, the record less its newline, and `}\n`; UTF-8 takes at least one byte per character.
    // At the cap, where a receiver that refuses everything keeps the file, this is all that runs per batch.
    const framing = head.length + ',"record":}\n'.length - 1;
    let minBytes = 0;
    for (const r of records) minBytes += framing + r.line.length;
    if (this.size + minBytes > this.maxBytes) {
      this.reportCapOnce();
      return;
    }
    let text = '';
    for (const r of records) {
      text += `${head}${r.id === undefined ? '' : `,"id":${JSON.stringify(r.id)}`},"record":${embeddable(r.line)}}\n`;
    }
    this.append(text);
  }

  /** A refusal the receiver did not attribute to records (OTLP partial success gives only a count). */
  note(count: number, reason: string): void {
    this.append(`{"deadAt":"${new Date().toISOString()}","reason":${JSON.stringify(reason)},"unidentifiedRecords":${count}}\n`);
  }

  private append(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.size + bytes > this.maxBytes) {
      this.reportCapOnce();
      return;
    }
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, text, { mode: DEAD_LETTER_MODE });
      this.size += bytes;
    } catch (err) {
      this.report(`cannot write dead-letter file ${this.path}: ${(err as Error).message}`);
    }
  }

  private reportCapOnce(): void {
    if (this.warned) return;
    this.warned = true;
    this.report(`dead-letter file ${this.path} is at its cap of ${this.maxBytes} bytes; further refused records are dropped and counted`);
  }
}

/** A valid JSON record goes in as is; anything else as a string, so the file stays one JSON object per line. */
function embeddable(line: string): string {
  const text = stripNewline(line);
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
