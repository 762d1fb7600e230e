import { runReadmeExample } from '../support/readme';

describe('README: flood control', () => {
  it('runs as written: the first 3 records, every 100th after them, and the summary with the rest at close()', () => {
    const run = runReadmeExample('sampling', { env: { LOG_LEVEL: '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => l !== '');
    const records = lines.filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => r['msg'] === 'connection refused').map((r) => r['attempt'])).toEqual([0, 1, 2, 102, 202, 302, 402, 502, 602, 702, 802, 902]);
    expect(records.at(-1)).toMatchObject({ level: 'error', suppressed: 988, sample: { level: 'error', msg: 'connection refused' }, msg: 'suppressed repeated records' });
    expect(lines.at(-1)).toBe('{"debug":0,"info":0,"warn":0,"error":988}');
  });
});
