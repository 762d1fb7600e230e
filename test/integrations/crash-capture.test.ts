import { join } from 'node:path';
import { readRecords, runFixture, tempDir } from '../support/run-fixture';

function run(scenario: string): { run: ReturnType<typeof runFixture>; file: string } {
  const file = join(tempDir(`crash-${scenario}`), 'app.log');
  return { run: runFixture('readiness-crash.js', [file, scenario]), file };
}

describe('crash capture next to the application\'s own handlers, in a real process', () => {
  it.each(['app-before', 'app-after'])('with the application\'s listener added %s createLogger, both run: the fatal record is written, the application sees the error, and the process exits 1', (scenario) => {
    const { run: r, file } = run(scenario);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('application saw: unexpected state');
    expect(r.stdout).not.toContain('still running'); // the crashed program does not go on
    const records = readRecords(file);
    expect(records).toHaveLength(101);
    expect(records[100]).toMatchObject({ level: 'fatal', msg: 'uncaught exception', err: { message: 'unexpected state' } });
  });

  it('turned off, prodlog leaves the error to the application: no fatal record, and the program goes on as Node lets it', () => {
    const { run: r, file } = run('capture-off');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('application saw: unexpected state');
    expect(r.stdout).toContain('still running');
    expect(readRecords(file).map((rec) => rec['level'])).not.toContain('fatal');
  });

  it('installs one listener per event however many loggers are open, and removes them when the last one closes', () => {
    const { run: r } = run('listeners');
    expect(r.status).toBe(0);
    const { before, open, closed } = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
    expect(open).toEqual({ uncaught: before!['uncaught']! + 1, rejection: before!['rejection']! + 1, exit: before!['exit']! + 1 });
    expect(closed).toEqual(before);
  });
});
