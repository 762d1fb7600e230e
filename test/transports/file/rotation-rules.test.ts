import { expiredFiles } from '../../../transports/file/expiredFiles';
import { periodStart } from '../../../transports/file/periodStart';
import { positionAfter, RotatedNames, stampOf } from '../../../transports/file/rotatedNames';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string): number => Date.parse(iso);

describe('rotated file names', () => {
  const names = new RotatedNames('/var/log/app/app.log');

  it('put the UTC start and an index between the name and the extension', () => {
    expect(names.pathFor(at('2026-11-26T05:00:00.123Z'), 1)).toBe('/var/log/app/app.2026-11-26T05-00-00.1.log');
  });

  it('read back what they write, compressed or not', () => {
    expect(names.parse('app.2026-11-26T05-00-00.12.log.gz')).toEqual({
      name: 'app.2026-11-26T05-00-00.12.log.gz',
      path: '/var/log/app/app.2026-11-26T05-00-00.12.log.gz',
      stamp: '2026-11-26T05-00-00',
      index: 12,
      compressed: true,
    });
  });

  it.each(['app.log', 'app.log.lock', 'app.2026-11-26T05-00-00.1.log.gz.tmp', 'other.2026-11-26T05-00-00.1.log', 'app.2026-11-26.1.log', 'app.2026-11-26T05-00-00.log', 'app.2026-11-26T05-00-00.1.txt'])(
    'are not confused with %j',
    (name) => {
      expect(names.parse(name)).toBeUndefined();
    },
  );

  it('sort oldest first by stamp, then by index as a number (10 after 9)', () => {
    const listing = ['app.2026-11-26T05-00-00.10.log.gz', 'app.log', 'app.2026-11-26T05-00-00.9.log.gz', 'app.2026-11-25T05-00-00.3.log', 'app.2026-11-26T05-00-00.1.log'];
    expect(names.select(listing).map((f) => f.name)).toEqual([
      'app.2026-11-25T05-00-00.3.log',
      'app.2026-11-26T05-00-00.1.log',
      'app.2026-11-26T05-00-00.9.log.gz',
      'app.2026-11-26T05-00-00.10.log.gz',
    ]);
  });

  it('take the next index after any file with the same stamp, so a restart never reuses a name', () => {
    const start = at('2026-11-26T05:00:00Z');
    expect(positionAfter(names.newest([]), start)).toEqual({ stamp: '2026-11-26T05-00-00', index: 1 });
    const listing = ['app.2026-11-26T05-00-00.1.log.gz', 'app.2026-11-26T05-00-00.4.log.gz.tmp', 'app.2026-11-25T05-00-00.9.log', 'other.2026-11-27T05-00-00.1.log'];
    expect(names.newest(listing)).toEqual({ stamp: '2026-11-26T05-00-00', index: 4 });
    expect(positionAfter(names.newest(listing), start)).toEqual({ stamp: '2026-11-26T05-00-00', index: 5 });
    expect(positionAfter(names.newest(listing), at('2026-11-26T05:00:01Z'))).toEqual({ stamp: '2026-11-26T05-00-01', index: 1 });
  });

  it('never sort before the newest file on disk, whatever the clock says (a clock that stepped back)', () => {
    const newest = names.newest(['app.2026-11-26T05-00-00.2.log.gz']);
    expect(positionAfter(newest, at('2026-11-25T05:00:00Z'))).toEqual({ stamp: '2026-11-26T05-00-00', index: 3 });
    expect(names.select(['app.2026-11-26T05-00-00.2.log.gz', names.pathAt(positionAfter(newest, at('2026-11-25T05:00:00Z'))).split('/').pop()!]).map((f) => f.index)).toEqual([2, 3]);
  });

  it('work for a file without extension and one with dots in its name', () => {
    expect(new RotatedNames('/l/service').pathFor(at('2026-01-02T03:04:05Z'), 2)).toBe('/l/service.2026-01-02T03-04-05.2');
    const dotted = new RotatedNames('/l/api.v2.log');
    expect(dotted.parse('api.v2.2026-01-02T03-04-05.1.log')?.index).toBe(1);
    expect(dotted.parse('apixv2.2026-01-02T03-04-05.1.log')).toBeUndefined();
  });

  it('know a temporary file of an interrupted compression and the file it came from', () => {
    expect(names.sourceOfTemp('app.2026-11-26T05-00-00.1.log.gz.tmp')).toBe('/var/log/app/app.2026-11-26T05-00-00.1.log');
    expect(names.sourceOfTemp('app.2026-11-26T05-00-00.1.log.tmp')).toBeUndefined();
    expect(names.sourceOfTemp('notes.tmp')).toBeUndefined();
  });

  it('use "-" for ":" so the name is valid on every file system', () => {
    expect(stampOf(at('2026-11-26T23:59:59.999Z'))).toBe('2026-11-26T23-59-59');
  });
});

describe('rotation periods', () => {
  it('start on the hour, at midnight UTC and on Mondays', () => {
    expect(periodStart(at('2026-11-26T05:42:10Z'), HOUR)).toBe(at('2026-11-26T05:00:00Z'));
    expect(periodStart(at('2026-11-26T05:42:10Z'), DAY)).toBe(at('2026-11-26T00:00:00Z'));
    expect(periodStart(at('2026-11-26T05:42:10Z'), 7 * DAY)).toBe(at('2026-11-23T00:00:00Z')); // a Monday
    expect(new Date(periodStart(at('2026-11-26T05:42:10Z'), 7 * DAY)).getUTCDay()).toBe(1);
  });

  it('are the same before and after a restart', () => {
    const a = periodStart(at('2026-11-26T05:00:00Z'), 6 * HOUR);
    const b = periodStart(at('2026-11-26T05:59:59Z'), 6 * HOUR);
    expect(a).toBe(b);
    expect(periodStart(at('2026-11-26T06:00:00Z'), 6 * HOUR)).toBe(a + 6 * HOUR);
  });
});

describe('retention rules', () => {
  const now = at('2026-11-26T12:00:00Z');
  // oldest first: f0 is 10 days old ... f9 is 1 day old, each 100 bytes
  const files = Array.from({ length: 10 }, (_, i) => ({ path: `f${i}`, size: 100, mtimeMs: now - (10 - i) * DAY }));
  const deleted = (rules: Parameters<typeof expiredFiles>[1]) => expiredFiles(files, rules, now).map((f) => f.path);

  it('keep everything without rules', () => {
    expect(deleted({})).toEqual([]);
  });

  it('maxFiles keeps that many rotated files, the newest', () => {
    expect(deleted({ maxFiles: 3 })).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
    expect(deleted({ maxFiles: 10 })).toEqual([]);
    expect(deleted({ maxFiles: 50 })).toEqual([]);
  });

  it('maxAge deletes files whose last record is older than the age', () => {
    expect(deleted({ maxAgeMs: 7 * DAY + 1 })).toEqual(['f0', 'f1', 'f2']);
    expect(deleted({ maxAgeMs: 7 * DAY })).toEqual(['f0', 'f1', 'f2']);
    expect(deleted({ maxAgeMs: 7 * DAY - 1 })).toEqual(['f0', 'f1', 'f2', 'f3']);
  });

  it('maxTotalSize keeps the newest files that fit together', () => {
    expect(deleted({ maxTotalBytes: 350 })).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
    expect(deleted({ maxTotalBytes: 1000 })).toEqual([]);
    expect(deleted({ maxTotalBytes: 99 })).toHaveLength(10);
  });

  it('a file goes when any rule says so', () => {
    expect(deleted({ maxFiles: 8, maxAgeMs: 5.5 * DAY, maxTotalBytes: 900 })).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });
});
