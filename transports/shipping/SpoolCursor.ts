import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { SPOOL_FILE_MODE } from './SegmentFiles';

/**
 * Where delivery stands: the first undelivered record is record `skip` of the
 * block at byte `offset` of segment `segment`.
 */
export interface SpoolPosition {
  readonly segment: string;
  readonly offset: number;
  readonly skip: number;
}

/**
 * The delivery position, persisted so that a restarted service resumes where
 * the last one stopped instead of resending whole segments. It is written
 * with write-to-temp-then-rename, so a crash leaves the old or the new one;
 * a stale position only means some records are delivered again (with the
 * same ids), never that a record is skipped.
 */
export class SpoolCursor {
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, 'cursor');
  }

  read(): SpoolPosition | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return null;
    }
    const [body, sum] = text.split('\n');
    if (body === undefined || sum !== String(crc32(body))) return null;
    const [segment, offset, skip] = body.split(' ');
    if (!segment || !isCount(offset) || !isCount(skip)) return null;
    return { segment, offset: Number(offset), skip: Number(skip) };
  }

  write(position: SpoolPosition): void {
    const body = `${position.segment} ${position.offset} ${position.skip}`;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${body}\n${crc32(body)}\n`, { mode: SPOOL_FILE_MODE });
    renameSync(tmp, this.path);
  }
}

function isCount(s: string | undefined): s is string {
  return s !== undefined && /^\d+$/.test(s);
}
