import { runReadmeExample } from '../support/readme';

describe('README: request context and replay on error', () => {
  it('runs as written: the context reaches a module logger, the held debug record comes before the error, the healthy request writes nothing', () => {
    const run = runReadmeExample('context', { env: { LOG_LEVEL: '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const records = run.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r['level'], r['msg'], r['requestId'], r['replayed']])).toEqual([
      ['info', 'checkout started', 'req-1', undefined],
      ['debug', 'card lookup', 'req-1', true],
      ['error', 'card declined', 'req-1', undefined],
    ]);
    expect(records[1]).toMatchObject({ module: 'db', orderId: 'o-1' });
    expect(Date.parse(String(records[1]!['time']))).toBeLessThan(Date.parse(String(records[2]!['time'])));
  });
});
