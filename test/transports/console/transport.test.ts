import { spawn } from 'node:child_process';
import tty from 'node:tty';
import { consoleTransport } from '../../../transports/console';
import { runFixture } from '../../support/run-fixture';
import { fixturePath } from '../../support/paths';

describe('console transport', () => {
  it('writes at the end of the event-loop turn, so console.log lines of the same turn come first; await log.flush() orders them (README)', () => {
    const run = runFixture('console-order.js', []);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg: string }).msg : l));
    expect(lines).toEqual(['two', 'one', 'three', 'four']);
  });

  it('survives a closed stdout (EPIPE): no crash, failures counted and reported once', async () => {
    const child = spawn(process.execPath, [fixturePath('console-epipe.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.destroy(); // the reader goes away before the first line
    child.stdin.end('closed\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const health = JSON.parse(/HEALTH (.*)/.exec(stderr)![1]!) as { ok: boolean; failed: number; lastError: string };
    expect(health.ok).toBe(false);
    expect(health.failed).toBe(200_000);
    expect(health.lastError).toMatch(/^EPIPE/);
    expect(stderr.split('\n').filter((l) => l.startsWith('prodlog: console:stdout: EPIPE'))).toHaveLength(1);
  });

  it('pretty output uses the level names and ends with the FATAL record', () => {
    const run = runFixture('console-pretty.js', []);
    expect(run.status).toBe(1);
    const levels = run.stdout.split('\n').map((l) => /\] (\w+) \(pretty/.exec(l)?.[1]).filter(Boolean);
    expect(levels).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
    expect(run.stdout).toContain('orderId: 42');
    expect(run.stdout).toContain('payment failed');
  });

  it('format shapes JSON output: with pretty "auto", a terminal gets pretty lines and anything else the format', () => {
    const line = '{"level":"info","time":"2026-11-26T06:00:00.000Z","pid":1,"hostname":"h","name":"svc","orderId":7,"msg":"placed"}\n';
    const isatty = jest.spyOn(tty, 'isatty');
    try {
      const written = (terminal: boolean): string => {
        isatty.mockReturnValue(terminal);
        const options = consoleTransport.schema.parse({ type: 'console', stream: 'stderr', pretty: 'auto', colorize: false, format: 'gcp', whenFull: 'block' });
        const transport = consoleTransport.create(options, { loggerName: 'svc' });
        void transport.close();
        return (transport as unknown as { format: (l: string) => string }).format(line);
      };
      expect(written(true)).toMatch(/^\[.*\] INFO \(svc\/1\): placed\n {4}orderId: 7\n$/);
      expect(JSON.parse(written(false))).toEqual({ severity: 'INFO', time: '2026-11-26T06:00:00.000Z', pid: 1, hostname: 'h', name: 'svc', orderId: 7, message: 'placed' });
    } finally {
      isatty.mockRestore();
    }
  });
});
