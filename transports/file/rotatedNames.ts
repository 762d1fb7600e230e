import { basename, dirname, extname, join } from 'node:path';

/** A rotated file found on disk, parsed from its name. */
export interface RotatedFile {
  readonly name: string;
  readonly path: string;
  /** The UTC time of the file's first record, as written in its name: "2026-11-26T05-00-00". */
  readonly stamp: string;
  /** 1, 2, 3... for files with the same stamp, in the order they were written. */
  readonly index: number;
  readonly compressed: boolean;
}

/** Where a rotated file sorts among the others: by stamp, then by index. */
export interface NamePosition {
  readonly stamp: string;
  readonly index: number;
}

/** Before every rotated file: the position when none is on disk. */
export const BEFORE_ALL: NamePosition = { stamp: '', index: 0 };

const GZ = '.gz';
/** Suffix of a gzip file still being written: never a log file, removed when found stale. */
export const TEMP_SUFFIX = '.tmp';

/**
 * The names of the rotated files of one log file: `app.log` rotates to
 * `app.2026-11-26T05-00-00.1.log`, gzipped `app.2026-11-26T05-00-00.1.log.gz`,
 * in the same folder. The stamp is the UTC time of the file's first record,
 * to the second, with "-" for ":" so the name is valid everywhere; the index
 * tells apart files started in the same second. It is the first record's time
 * whatever triggers rotation (not the start of the period when rotating by
 * time), so files written under different options still sort in the order
 * they were written, which retention relies on. The fixed-width stamp makes
 * `ls` list the files oldest first (`ls -v` also orders index 10 after 9).
 *
 * The order of the names is the order of rotation even when the wall clock
 * steps back (NTP correcting a clock that ran ahead, a VM restored from a
 * snapshot): a file is never named before the newest one on disk, see
 * positionAfter. Otherwise retention, which keeps the names that sort last,
 * would delete the newest files and keep older ones.
 *
 * Retention and recovery find files by parsing these names, never from a
 * list kept on the side, so what is on disk is always the truth.
 */
export class RotatedNames {
  readonly dir: string;
  private readonly stem: string;
  private readonly ext: string;
  private readonly pattern: RegExp;

  constructor(activePath: string) {
    this.dir = dirname(activePath);
    const file = basename(activePath);
    this.ext = extname(file);
    this.stem = file.slice(0, file.length - this.ext.length);
    this.pattern = new RegExp(`^${escape(this.stem)}\\.(\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d)\\.(\\d+)${escape(this.ext)}(${escape(GZ)})?$`);
  }

  /** The rotated file's path for a start time (ms) and index. */
  pathFor(startMs: number, index: number): string {
    return this.pathAt({ stamp: stampOf(startMs), index });
  }

  pathAt({ stamp, index }: NamePosition): string {
    return join(this.dir, `${this.stem}.${stamp}.${index}${this.ext}`);
  }

  parse(name: string): RotatedFile | undefined {
    const match = this.pattern.exec(name);
    if (!match) return undefined;
    return { name, path: join(this.dir, name), stamp: match[1]!, index: Number(match[2]), compressed: match[3] !== undefined };
  }

  /** For a temporary file of a compression of ours, the path of the file being compressed. */
  sourceOfTemp(name: string): string | undefined {
    if (!name.endsWith(TEMP_SUFFIX)) return undefined;
    const gz = this.parse(name.slice(0, -TEMP_SUFFIX.length));
    return gz?.compressed ? gz.path.slice(0, -GZ.length) : undefined;
  }

  /** Our rotated files among `names`, oldest first. */
  select(names: readonly string[]): RotatedFile[] {
    const files: RotatedFile[] = [];
    for (const name of names) {
      const file = this.parse(name);
      if (file) files.push(file);
    }
    return files.sort(compareAge);
  }

  /** The last position among our files in `names`, temporary files of a compression included. */
  newest(names: readonly string[]): NamePosition {
    let last = BEFORE_ALL;
    for (const name of names) {
      const file = this.parse(name.endsWith(TEMP_SUFFIX) ? name.slice(0, -TEMP_SUFFIX.length) : name);
      if (file && comparePositions(file, last) > 0) last = file;
    }
    return { stamp: last.stamp, index: last.index };
  }
}

/**
 * The name of a file whose first record was written at `startMs`, rotated
 * after the file at `newest`: its own stamp (index 1) when that sorts after
 * the newest, else the newest's stamp with the next index. So a clock that
 * stepped back, within a run or across a restart, never names a file before
 * one written earlier; the stamp is then the newest's, not the first record's.
 */
export function positionAfter(newest: NamePosition, startMs: number): NamePosition {
  const stamp = stampOf(startMs);
  return stamp > newest.stamp ? { stamp, index: 1 } : { stamp: newest.stamp, index: newest.index + 1 };
}

export function gzipPathOf(path: string): string {
  return path + GZ;
}

/** "2026-11-26T05-00-00" for 2026-11-26T05:00:00.xxxZ. */
export function stampOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/:/g, '-');
}

function comparePositions(a: NamePosition, b: NamePosition): number {
  if (a.stamp !== b.stamp) return a.stamp < b.stamp ? -1 : 1;
  return a.index - b.index;
}

function compareAge(a: RotatedFile, b: RotatedFile): number {
  return comparePositions(a, b) || Number(a.compressed) - Number(b.compressed);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
