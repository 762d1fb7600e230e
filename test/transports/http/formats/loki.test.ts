import { z } from 'zod';
import { createLokiFormat } from '../../../../transports/http/formats/lokiFormat';
import { DEFAULT_LOKI_LABELS, type LokiLabelSettings } from '../../../../transports/http/formats/lokiLabels';

/** The push request as Loki documents it: POST /loki/api/v1/push, JSON. */
const lokiPushRequest = z.strictObject({
  streams: z.array(
    z.strictObject({
      stream: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string().min(1)),
      values: z.array(z.union([z.tuple([z.string().regex(/^\d+$/), z.string()]), z.tuple([z.string().regex(/^\d+$/), z.string(), z.record(z.string(), z.string())])])).min(1),
    }),
  ),
});
type PushRequest = z.infer<typeof lokiPushRequest>;

function line(level: string, time: string, msg: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ level, time, pid: 1, hostname: 'h', name: 'svc', ...extra, msg })}\n`;
}

function encode(lines: readonly string[], settings: Partial<LokiLabelSettings> = {}): PushRequest {
  const format = createLokiFormat({ labels: DEFAULT_LOKI_LABELS, staticLabels: {}, maxValuesPerLabel: 100, serviceName: 'fallback', ...settings });
  return lokiPushRequest.parse(JSON.parse(format.encode(lines.map((l) => ({ line: l }))).toString()));
}

describe('loki format', () => {
  it('follows the documented push request shape with nanosecond timestamps as strings', () => {
    const request = encode([line('info', '2026-11-26T06:30:53.078Z', 'hello')]);
    expect(request).toEqual({
      streams: [
        {
          stream: { service_name: 'svc', level: 'info' },
          values: [['1795674653078000000', '{"level":"info","time":"2026-11-26T06:30:53.078Z","pid":1,"hostname":"h","name":"svc","msg":"hello"}']],
        },
      ],
    });
  });

  it('keeps the whole record as the line, so LogQL | json sees every field', () => {
    const original = line('warn', '2026-11-26T06:30:53.078Z', 'slow', { ms: 1200, nested: { a: [1] } });
    const [stream] = encode([original]).streams;
    expect(JSON.parse(stream!.values[0]![1])).toEqual(JSON.parse(original));
  });

  it('splits streams by service and level and orders entries by time within each stream, ties in spool order', () => {
    const request = encode([
      line('info', '2026-11-26T06:30:53.003Z', 'third'),
      line('error', '2026-11-26T06:30:53.001Z', 'boom'),
      line('info', '2026-11-26T06:30:53.001Z', 'first'),
      line('info', '2026-11-26T06:30:53.001Z', 'second'),
      line('info', '2026-11-26T06:30:53.002Z', 'other service', { name: 'billing' }),
    ]);
    const byStream = Object.fromEntries(request.streams.map((s) => [JSON.stringify(s.stream), s.values.map((v) => JSON.parse(v[1]).msg)]));
    expect(byStream).toEqual({
      '{"service_name":"svc","level":"info"}': ['first', 'second', 'third'],
      '{"service_name":"svc","level":"error"}': ['boom'],
      '{"service_name":"billing","level":"info"}': ['other service'],
    });
    for (const s of request.streams) {
      const times = s.values.map((v) => BigInt(v[0]));
      expect([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(times);
    }
  });

  it('takes label names and their record keys from the config, plus static labels', () => {
    const request = encode([line('info', '2026-11-26T06:30:53.078Z', 'x', { region: 'eu', requestId: 'r-1' })], {
      labels: { app: 'name', region: 'region' },
      staticLabels: { env: 'prod' },
    });
    expect(request.streams[0]!.stream).toEqual({ env: 'prod', app: 'svc', region: 'eu' });
  });

  it('leaves a label off a record that lacks the field or has an object there', () => {
    const request = encode([line('info', '2026-11-26T06:30:53.078Z', 'x', { region: { nested: true } })], { labels: { region: 'region', level: 'level' } });
    expect(request.streams[0]!.stream).toEqual({ level: 'info' });
  });

  it('folds values past the per-label cap into _other, so a bad label choice cannot explode the stream count', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line('info', '2026-11-26T06:30:53.078Z', 'x', { user: `u${i}` }));
    const request = encode(lines, { labels: { user: 'user' }, maxValuesPerLabel: 3 });
    const values = request.streams.map((s) => s.stream['user']);
    expect(values).toEqual(['u0', 'u1', 'u2', '_other']);
    expect(request.streams.find((s) => s.stream['user'] === '_other')!.values).toHaveLength(7);
  });

  it('puts a value that was seen before the cap and a folded value called _other in one stream', () => {
    const lines = ['_other', 'a', 'b'].map((user) => line('info', '2026-11-26T06:30:53.078Z', user, { user }));
    const request = encode(lines, { labels: { user: 'user' }, maxValuesPerLabel: 2 });
    expect(request.streams.map((s) => [s.stream, s.values.map((v) => JSON.parse(v[1]).msg)])).toEqual([
      [{ user: '_other' }, ['_other', 'b']],
      [{ user: 'a' }, ['a']],
    ]);
  });

  it('lets a record label take the place of a static label of the same name, which stays when the record has no value', () => {
    const lines = [line('info', '2026-11-26T06:30:53.078Z', 'none'), line('info', '2026-11-26T06:30:53.078Z', 'same', { env: 'prod' }), line('info', '2026-11-26T06:30:53.078Z', 'other', { env: 'dev' })];
    const request = encode(lines, { labels: { env: 'env', level: 'level' }, staticLabels: { env: 'prod', team: 'pay' } });
    expect(request.streams.map((s) => [s.stream, s.values.map((v) => JSON.parse(v[1]).msg)])).toEqual([
      [{ env: 'prod', team: 'pay', level: 'info' }, ['none', 'same']],
      [{ env: 'dev', team: 'pay', level: 'info' }, ['other']],
    ]);
    expect(Object.keys(request.streams[0]!.stream)).toEqual(['env', 'team', 'level']);
  });

  it('keeps streams apart whose label values differ only in where a NUL character falls, the NUL written as a visible escape', () => {
    const lines = [
      line('info', '2026-11-26T06:30:53.078Z', '1', { a: 'x\u0000y', b: 'z' }),
      line('info', '2026-11-26T06:30:53.078Z', '2', { a: 'x', b: 'y\u0000z' }),
      line('info', '2026-11-26T06:30:53.078Z', '3', { a: 'x\u0000y\u0000z' }),
      line('info', '2026-11-26T06:30:53.078Z', '4', { a: 'x', b: 'y\u0000z' }),
    ];
    const request = encode(lines, { labels: { a: 'a', b: 'b' } });
    expect(request.streams.map((s) => [s.stream, s.values.map((v) => JSON.parse(v[1]).msg)])).toEqual([
      [{ a: 'x\\u0000y', b: 'z' }, ['1']],
      [{ a: 'x', b: 'y\\u0000z' }, ['2', '4']],
      [{ a: 'x\\u0000y\\u0000z' }, ['3']],
    ]);
  });

  it('writes no raw control character into a label value (C0, DEL, C1, U+2028) and cuts a value at 256 characters', () => {
    const hostile = 'eu\nlevel=error\r\u001b[31m\u0085\u009b\u2028\u2029\u007f';
    const long = 'r'.repeat(5_000);
    const request = encode(
      [line('info', '2026-11-26T06:30:53.078Z', '1', { region: hostile }), line('info', '2026-11-26T06:30:53.078Z', '2', { region: long })],
      { labels: { region: 'region' } },
    );
    const values = request.streams.map((s) => s.stream['region'] as string);
    expect(values[0]).toBe('eu\\u000alevel=error\\u000d\\u001b[31m\\u0085\\u009b\\u2028\\u2029\\u007f');
    expect(values.every((v) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v))).toBe(true);
    expect(values[1]).toHaveLength(256);
    expect(values[1]!.endsWith('…')).toBe(true);
    expect(JSON.parse(request.streams[1]!.values[0]![1]).region).toBe(long); // the line keeps the whole value
  });

  it('uses the logger name when a record has none and stamps a line without a readable time with now', () => {
    const before = Date.now();
    const request = encode(['not json at all']);
    const [stream] = request.streams;
    expect(stream!.stream).toEqual({ service_name: 'fallback' });
    const ms = Number(BigInt(stream!.values[0]![0]) / 1_000_000n);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(stream!.values[0]![1]).toBe('not json at all');
  });
});
