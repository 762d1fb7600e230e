import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultFatalMarkerPath, readFatalMarker, recordFatalExit } from '../../src/core/fatalMarker';
import { tempDir } from '../support/run-fixture';

describe('the FATAL exit marker', () => {
  it('adds the exit of this run to those of earlier runs, keeps the last time, and reads a missing marker as none', () => {
    const path = join(tempDir('fatal-marker'), '.prodlog', 'checkout.fatal.json');
    expect(readFatalMarker(path)).toEqual({ total: 0, lastAt: null });
    expect(recordFatalExit(path, new Date('2026-12-05T10:00:00.000Z'), 'config missing')).toBeUndefined();
    expect(readFatalMarker(path)).toEqual({ total: 1, lastAt: '2026-12-05T10:00:00.000Z' });
    // an earlier run counted 6: this process adds one
    const earlier = join(tempDir('fatal-marker'), 'checkout.fatal.json');
    writeFileSync(earlier, JSON.stringify({ exits: 6, lastAt: '2026-11-01T00:00:00.000Z', lastPid: 1, lastMessage: 'fatal()' }));
    expect(recordFatalExit(earlier, new Date('2026-12-05T11:00:00.000Z'), 'uncaught exception')).toBeUndefined();
    expect(JSON.parse(readFileSync(earlier, 'utf8'))).toEqual({ exits: 7, lastAt: '2026-12-05T11:00:00.000Z', lastPid: process.pid, lastMessage: 'uncaught exception' });
    expect(readdirSync(join(path, '..'))).toEqual(['checkout.fatal.json']); // no temporary file left
  });

  it('counts a process once per marker: two loggers of one name exit together', () => {
    const path = join(tempDir('fatal-marker'), 'm.json');
    recordFatalExit(path, new Date('2026-12-05T10:00:00.000Z'), 'uncaught exception');
    recordFatalExit(path, new Date('2026-12-05T10:00:00.001Z'), 'uncaught exception');
    expect(readFatalMarker(path)).toEqual({ total: 1, lastAt: '2026-12-05T10:00:00.000Z' });
  });

  it('reads a damaged marker as none and starts counting again', () => {
    const path = join(tempDir('fatal-marker'), 'm.json');
    writeFileSync(path, '{"exits": "many"');
    expect(readFatalMarker(path)).toEqual({ total: 0, lastAt: null });
    writeFileSync(path, '{"exits": -3, "lastAt": "yesterday"}');
    expect(readFatalMarker(path)).toEqual({ total: 0, lastAt: null });
    recordFatalExit(path, new Date('2026-12-05T10:00:00.000Z'), 'x');
    expect(readFatalMarker(path)).toEqual({ total: 1, lastAt: '2026-12-05T10:00:00.000Z' });
    writeFileSync(path, '{"exits": 4, "lastAt": "yesterday"}');
    expect(readFatalMarker(path)).toEqual({ total: 4, lastAt: null });
  });

  it('returns the error instead of throwing when the folder cannot be written', () => {
    const dir = tempDir('fatal-marker');
    writeFileSync(join(dir, 'file'), '');
    // a path under a file fails for every user, root included
    const err = recordFatalExit(join(dir, 'file', 'm.json'), new Date(), 'x');
    expect(err?.message).toContain(join(dir, 'file'));
    expect((err as NodeJS.ErrnoException).code).toMatch(/ENOTDIR|EEXIST/);
  });

  it('is named after the logger under .prodlog in the working directory, as a safe file name', () => {
    expect(defaultFatalMarkerPath('checkout', '/srv/app')).toBe('/srv/app/.prodlog/checkout.fatal.json');
    expect(defaultFatalMarkerPath('../../etc/passwd', '/srv/app')).toBe('/srv/app/.prodlog/__.._etc_passwd.fatal.json');
    expect(defaultFatalMarkerPath('', '/srv/app')).toBe('/srv/app/.prodlog/app.fatal.json');
  });
});
