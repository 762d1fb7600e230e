import { cli, record } from '../support/prodlog-cli';

describe('prodlog pretty', () => {
  it('turns JSON lines into readable lines with our level names', () => {
    const r = cli(['pretty', '--no-color'], `${record('started')}\n${record('boom', 'error')}\nnot json\n`);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^\[2026-11-26 \d\d:00:00\.000 .*\] INFO \(svc\/1\): started$/),
      expect.stringMatching(/\] ERROR \(svc\/1\): boom$/),
      'not json',
      '',
    ]);
  });
});

describe('prodlog pretty with the pino format', () => {
  it('reads numeric levels and times in milliseconds', () => {
    const line = (level: number, msg: string): string => JSON.stringify({ level, time: Date.parse('2026-11-26T06:00:00.000Z'), pid: 1, hostname: 'h', name: 'svc', msg });
    const r = cli(['pretty', '--no-color'], `${line(30, 'started')}\n${line(60, 'gone')}\n`);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^\[2026-11-26 \d\d:00:00\.000 .*\] INFO \(svc\/1\): started$/),
      expect.stringMatching(/\] FATAL \(svc\/1\): gone$/),
      '',
    ]);
  });
});

describe('prodlog pretty with crafted records', () => {
  it('prints each record as one header line and indented lines, whatever its keys, values and stack hold', () => {
    const forged = '[2026-11-26 06:00:00.000 +0000] FATAL (svc/1): forged';
    const base = JSON.parse(record('x')) as Record<string, unknown>;
    const records = [
      { ...base, msg: `m\u2028${forged}`, [`k\n${forged}`]: `v\u0085${forged}\u009b2K` },
      { ...base, level: 'error', name: `svc\r${forged}`, err: { type: 'Error', message: `bad\n${forged}`, stack: `Error: bad\n${forged}\r\u001b[1A${forged}\u2029${forged}\n    at f (x.js:1:1)` } },
      { ...base, msg: 'after' },
    ];
    const r = cli(['pretty', '--no-color'], records.map((x) => JSON.stringify(x)).join('\n') + `\nnot json\u2028${forged}\n`);
    expect(r.status).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    const lines = r.stdout.split('\n').slice(0, -1);
    const unindented = lines.filter((l) => !l.startsWith('    '));
    expect(unindented).toEqual([
      expect.stringMatching(/\] INFO \(svc\/1\): m\\u2028\[2026/),
      expect.stringMatching(/\] ERROR \(svc\\r\[2026.*\/1\): x$/),
      expect.stringMatching(/\] INFO \(svc\/1\): after$/),
      `not json\\u2028${forged}`,
    ]);
    expect(lines.filter((l) => /^ +at f \(x\.js/.test(l))).toHaveLength(1); // the stack keeps its lines, indented
  });
});
