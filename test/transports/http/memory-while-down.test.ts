import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { closedPort } from '../../support/http-receiver';
import { tempDir } from '../../support/run-fixture';
import { fixturePath } from '../../support/paths';

const FIXTURE = fixturePath('http-down-memory.js');
const RECORDS = 200_000; // about 50 MB of records against a 4 MB spool cap

let dir: string;
beforeEach(() => {
  dir = tempDir('http-memory');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  heapGrowth: number;
  health: { written: number; dropped: number; delivered: number; backlogBytes: number };
}

/** Runs the fixture in a child, asynchronously: the hung receiver lives in this process's event loop. */
function run(url: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', FIXTURE, url, join(dir, 'spool'), String(RECORDS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Report);
      } catch {
        reject(new Error(`fixture failed with ${code}: ${out}`));
      }
    });
  });
}

function expectBounded(report: Report): void {
  expect(report.health.delivered).toBe(0);
  expect(report.health.dropped).toBeGreaterThan(RECORDS / 2);
  expect(report.health.written + report.health.dropped).toBe(RECORDS);
  expect(report.health.backlogBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
  // 150,000 records (about 37 MB) logged during the measurement; the heap must not keep them.
  expect(report.heapGrowth).toBeLessThan(8 * 1024 * 1024);
}

describe('memory while the receiver is down', () => {
  it('stays bounded when nothing listens: records past the spool cap are dropped and counted', async () => {
    const port = await closedPort();
    expectBounded(await run(`http://127.0.0.1:${port}/v1/logs`));
  });

  it('stays bounded when the receiver accepts connections and never answers', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => void sockets.push(s.on('error', () => undefined)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expectBounded(await run(`http://127.0.0.1:${port}/v1/logs`));
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
