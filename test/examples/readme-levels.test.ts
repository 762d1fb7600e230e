import { runReadmeExample } from '../support/readme';

describe('README: levels per module, changed at run time', () => {
  it('runs as written: module records, the module entry, the change for ten minutes, the root level', () => {
    const run = runReadmeExample('module-levels', { env: { LOG_LEVEL: '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => l !== '');
    const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r['level'], r['module'], r['msg']])).toEqual([
      ['info', 'db', 'level changed'],
      ['debug', 'db.pool', 'checked out'],
      ['info', undefined, 'level changed'],
    ]);
    expect(records[0]).toMatchObject({ from: 'warn', to: 'debug', source: 'api', ttl: '10m' });
    expect(lines.find((l) => !l.startsWith('{'))).toMatch(/^debug \{"level":"info","levels":\{"db":"debug"\},"expires":\{"levels":\{"db":"\d{4}-[^"]+"\}\}\}$/);
  });
});
