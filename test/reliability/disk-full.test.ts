import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TransportHealth } from '../../src/core/transport';
import { mountTmpfs } from '../support/file-tmpfs';
import { LoadService } from '../support/load-service';
import { count, recordFigure } from '../support/reliability-figures';
import { Rsyslog } from '../support/rsyslog';

const FULL_RECORDS = 5_000; // about 1.3 MB into the 170 KiB left free
const AFTER = 1_000;

let rsyslog: Rsyslog;
let fs: ReturnType<typeof mountTmpfs>;
beforeAll(async () => {
  rsyslog = await Rsyslog.start({ durable: true });
  fs = mountTmpfs('1m');
});
afterAll(async () => {
  await rsyslog?.stop();
  fs?.unmount();
});

function linesOf(path: string): { valid: number[]; broken: number } {
  const valid: number[] = [];
  let broken = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      valid.push((JSON.parse(line) as { i: number }).i);
    } catch {
      broken++;
    }
  }
  return { valid, broken };
}

describe('a full disk under the log file and the spool (1 MiB tmpfs)', () => {
  it('no crash, failed writes counted, file descriptors bounded, and both recover when space returns; the spool then delivers what it took', async () => {
    const filler = join(fs.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(850 * 1024));
    const spoolDir = join(fs.dir, 'spool');
    await rsyslog.stop(); // the spool must hold everything while the disk is full
    const service = new LoadService({
      logger: {
        name: 'rel-disk-full',
        transports: [
          { type: 'file', path: join(fs.dir, 'logs', 'app.log') },
          { type: 'syslog', host: '127.0.0.1', port: rsyslog.ports.relp, protocol: 'relp', spool: { dir: spoolDir, maxBytes: '64M' }, retry: { initial: '50ms', max: '200ms' } },
        ],
      },
      steps: [
        { log: { records: FULL_RECORDS, perTick: 10, pad: 150 } },
        { health: true },
        { stdin: true },
        { log: { from: FULL_RECORDS, records: AFTER, perTick: 10, pad: 150 } },
        { health: true },
        { stdin: true },
        { drain: 30_000 },
        { close: true },
      ],
    });
    const whileFull = await service.health(0);
    const segmentsWhileFull = readdirSync(spoolDir).filter((f) => f.endsWith('.seg')).length;
    rmSync(filler);
    service.proceed();
    const afterSpace = await service.health(1);
    await rsyslog.restart();
    service.proceed();
    const done = await service.done();
    const exit = await service.exited;

    const [fileFull, spoolFull] = whileFull.health as [TransportHealth, TransportHealth];
    const [fileAfter, spoolAfter] = afterSpace.health as [TransportHealth, TransportHealth];
    const file = linesOf(join(fs.dir, 'logs', 'app.log'));
    const shipped = new Set(rsyslog.received().filter((m) => m.appname === 'rel-disk-full').map((m) => (JSON.parse(m.msg) as { i: number }).i));
    const enospc = service.stderr.split('\n').filter((l) => l.includes('ENOSPC'));
    recordFigure({
      id: 'disk-full',
      fault: 'disk full (1 MiB tmpfs) under the log file and the spool, receiver down, then space returns',
      happened:
        `${count(FULL_RECORDS)} records logged into 170 KiB of free space: the file wrote ${count(fileFull.written)} and counted ${count(fileFull.failed)} failed; ` +
        `the spool took ${count(spoolFull.written - spoolFull.failed)} and counted ${count(spoolFull.failed)} failed (${whileFull.fds} open descriptors, ${segmentsWhileFull} segment files). ` +
        `With space back, of the next ${count(AFTER)} the file wrote ${count(fileAfter.written - fileFull.written)} and the spool took ${count(spoolAfter.written - spoolAfter.failed - (spoolFull.written - spoolFull.failed))}; rsyslog, once up, received ${count(shipped.size)} records. No crash (exit ${exit.code}).`,
      lost: `file ${count(fileFull.failed)}, spool ${count(spoolFull.failed)}: failed writes, counted`,
      duplicates: '0',
      memory: '',
    });

    expect(exit.code).toBe(0);
    expect(enospc.length).toBeGreaterThanOrEqual(2); // reported, once per transport
    expect(fileFull).toMatchObject({ ok: false, lastError: expect.stringMatching(/^ENOSPC/) });
    expect(fileFull.failed).toBeGreaterThan(0);
    expect(fileFull.written + fileFull.failed).toBe(FULL_RECORDS);
    expect(spoolFull.failed).toBeGreaterThan(0);
    // Space back: every later record is written, nothing more fails.
    expect(fileAfter).toMatchObject({ ok: true, written: fileFull.written + AFTER, failed: fileFull.failed });
    expect(spoolAfter).toMatchObject({ written: spoolFull.written + AFTER, failed: spoolFull.failed });
    expect(file.valid).toHaveLength(fileAfter.written);
    expect(file.broken).toBeLessThanOrEqual(1); // the record cut short when the disk filled
    // The spool delivers everything it took once the receiver is back.
    expect(shipped.size).toBe(spoolAfter.written - spoolAfter.failed);
    for (let i = FULL_RECORDS; i < FULL_RECORDS + AFTER; i++) expect(shipped.has(i)).toBe(true);
    // backlogBytes 0, not negative: the bytes of a torn append are counted when the segment is dropped.
    expect(done.health[1]).toMatchObject({ backlogRecords: 0, backlogBytes: 0 });
    // A failing disk must not cost a descriptor or a file per attempt.
    expect(whileFull.fds).toBeLessThan(64);
    expect(segmentsWhileFull).toBeLessThan(16);
  });
});
