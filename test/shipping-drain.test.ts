import { join } from 'node:path';
import { Spool } from '../transports/shipping/Spool';
import { tempDir } from './support/runFixture';

// The compiled module: the drain runs dist/transports/shipping/drainSpool.js in a child process.
const { drainInChild } = require('../dist/transports/shipping/drainInChild') as typeof import('../transports/shipping/drainInChild');

function spoolWithRecords(n: number): string {
  const dir = tempDir('drain');
  const spool = new Spool({ dir, maxBytes: 1 << 30, segmentBytes: 1 << 20, chunkChars: 1 << 16 });
  for (let i = 0; i < n; i++) spool.append(`{"level":"info","time":"2026-01-01T00:00:00.000Z","i":${i},"msg":"r"}\n`);
  spool.syncNow();
  spool.close();
  return dir;
}

describe('the FATAL drain process', () => {
  it('is killed before the deadline when its sink never returns, and says so', () => {
    const dir = spoolWithRecords(10);
    const started = Date.now();
    const deadline = started + 700;
    const err = drainInChild({ dir, recipe: { module: join(__dirname, 'fixtures', 'ship-stuck-sink.js'), options: {} }, deadline });
    // Killed 50 ms before the deadline; the rest is slack for reaping it on a busy machine (seen: 42 ms late
    // with the whole suite running). Without the kill the stuck sink would hold the process for good.
    expect(Date.now()).toBeLessThanOrEqual(deadline + 250);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600); // it was given the time, not abandoned at once
    expect(err).toMatchObject({ code: 'EDRAINTIMEOUT' });
  });

  it('starts nothing when the deadline has already passed', () => {
    const dir = spoolWithRecords(1);
    const started = Date.now();
    // null, not the error a started child would give for this module: no process was started
    expect(drainInChild({ dir, recipe: { module: '/nonexistent.js', options: {} }, deadline: started - 1 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(20);
  });

  it('reports a sink module that cannot be loaded', () => {
    const err = drainInChild({ dir: spoolWithRecords(1), recipe: { module: '/nonexistent/sink.js', options: {} }, deadline: Date.now() + 5_000 });
    expect(err?.message).toMatch(/FATAL drain failed: .*Cannot find module '\/nonexistent\/sink\.js'/s);
  });
});
