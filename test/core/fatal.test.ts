import { join } from 'node:path';
import { parseLines, readRecords, runFixture, tempDir } from '../support/run-fixture';

const N = 100_000;

function expectAllRecords(records: Record<string, unknown>[], n: number): void {
  const seen = records.filter((r) => r['msg'] === 'record').map((r) => r['i']);
  expect(seen).toHaveLength(n);
  expect(seen.every((v, idx) => v === idx)).toBe(true); // in order, none missing, none twice
}

describe('FATAL in a real process', () => {
  it(`${N} records then fatal() leaves ${N + 1} lines in the file and exit code 1`, () => {
    const file = join(tempDir('fatal'), 'app.log');
    const run = runFixture('core-burst.js', ['fatal', String(N), file]);
    expect(run.status).toBe(1);
    const records = readRecords(file);
    expect(records).toHaveLength(N + 1);
    expectAllRecords(records, N);
    expect(records[N]).toMatchObject({ level: 'fatal', msg: 'config missing', path: '/etc/app.json' });
  });

  it('also reaches stdout in full when stdout is a pipe', () => {
    const file = join(tempDir('fatal-stdout'), 'app.log');
    const run = runFixture('core-burst.js', ['fatal', '20000', file, '', 'stdout']);
    expect(run.status).toBe(1);
    const records = parseLines(run.stdout);
    expect(records).toHaveLength(20_001);
    expect(records.at(-1)).toMatchObject({ level: 'fatal' });
  });

  it(`${N} records then an uncaught exception leaves ${N} records plus a fatal record with the error, and a non-zero exit`, () => {
    const file = join(tempDir('throw'), 'app.log');
    const run = runFixture('core-burst.js', ['throw', String(N), file]);
    expect(run.status).toBe(1);
    const records = readRecords(file);
    expect(records).toHaveLength(N + 1);
    expectAllRecords(records, N);
    expect(records[N]).toMatchObject({ level: 'fatal', msg: 'uncaught exception', err: { type: 'Error', message: 'unexpected state' } });
  });

  it('an unhandled rejection runs the same sequence', () => {
    const file = join(tempDir('reject'), 'app.log');
    const run = runFixture('core-burst.js', ['reject', '1000', file]);
    expect(run.status).toBe(1);
    const records = readRecords(file);
    expect(records).toHaveLength(1001);
    expect(records[1000]).toMatchObject({ level: 'fatal', msg: 'unhandled rejection', err: { type: 'TypeError', message: 'rejected promise' } });
  });

  it('a rejection with a non-Error keeps the value as the cause', () => {
    const file = join(tempDir('reject-value'), 'app.log');
    const run = runFixture('core-burst.js', ['reject-non-error', '10', file]);
    expect(run.status).toBe(1);
    expect(readRecords(file)[10]).toMatchObject({ level: 'fatal', err: { message: 'a non-Error value was thrown: string', cause: 'a bare string' } });
  });

  it('with capture off, a crash is Node\'s own: no fatal record, but every earlier record is on disk', () => {
    const file = join(tempDir('nocapture'), 'app.log');
    const run = runFixture('core-burst.js', ['throw', '50000', file, 'captureOff']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unexpected state');
    const records = readRecords(file);
    expect(records).toHaveLength(50_000);
    expectAllRecords(records, 50_000);
  });

  it('process.exit() from the application loses nothing', () => {
    const file = join(tempDir('exit'), 'app.log');
    const run = runFixture('core-burst.js', ['exit', String(N), file]);
    expect(run.status).toBe(0);
    expectAllRecords(readRecords(file), N);
  });

  it('a normal end of the program loses nothing', () => {
    const file = join(tempDir('return'), 'app.log');
    const run = runFixture('core-burst.js', ['return', String(N), file]);
    expect(run.status).toBe(0);
    expectAllRecords(readRecords(file), N);
  });
});

describe('FATAL in awkward places, in a real process', () => {
  /** Runs fatal-edge.js; the file holds 100 'record' lines before whatever the scenario logs. */
  function runEdge(scenario: string): { file: string; status: number | null; exits: string[]; stderr: string } {
    const file = join(tempDir(`fatal-${scenario}`), 'app.log');
    const run = runFixture('fatal-edge.js', [scenario, file]);
    const exits = run.stdout.split('\n').filter((l) => l.startsWith('exit '));
    return { file, status: run.status, exits, stderr: run.stderr };
  }

  it('fatal() in the same tick as close() writes its record to the file and exits once with fatal.exitCode', () => {
    const run = runEdge('close-same-tick');
    expect({ status: run.status, exits: run.exits }).toEqual({ status: 3, exits: ['exit 3'] });
    const records = readRecords(run.file);
    expectAllRecords(records, 100);
    expect(records.slice(100)).toEqual([expect.objectContaining({ level: 'fatal', msg: 'fatal during close' })]);
  });

  it('fatal() once close() has closed the file: the record reaches every transport still open, and stderr carries it, naming the file that refused it', () => {
    const run = runEdge('close-after-file-closed');
    expect({ status: run.status, exits: run.exits }).toEqual({ status: 3, exits: ['exit 3'] });
    expectAllRecords(readRecords(run.file), 100);
    const notice = run.stderr.split('\n').find((l) => l.includes('fatal during close'));
    expect(notice).toContain(`file:${run.file}`);
    expect(JSON.parse(notice!.slice(notice!.indexOf('{')))).toMatchObject({ level: 'fatal', msg: 'fatal during close' });
  });

  it('fatal() from inside a transport\'s write(): the record being written reaches every transport, then the FATAL record; one exit', () => {
    const run = runEdge('transport-write');
    expect({ status: run.status, exits: run.exits }).toEqual({ status: 3, exits: ['exit 3'] });
    const records = readRecords(run.file);
    expectAllRecords(records, 100);
    expect(records.slice(100).map((r) => [r['level'], r['msg']])).toEqual([
      ['info', 'poison'],
      ['fatal', 'transport saw poison'],
    ]);
  });

  it('fatal() from a getter of another fatal()\'s fields: both records are written, inner first, and the process exits once', () => {
    const run = runEdge('getter');
    expect({ status: run.status, exits: run.exits }).toEqual({ status: 3, exits: ['exit 3'] });
    const records = readRecords(run.file);
    expectAllRecords(records, 100);
    const after = records.slice(100);
    expect(after.every((r) => r['level'] === 'fatal')).toBe(true);
    // The sanitiser reads a getter once to check the fields and again to copy them, so the getter's
    // fatal() runs (and writes its record) once per read; the outer record comes once, last.
    expect(after.slice(0, -1).map((r) => r['msg'])).toEqual(Array(after.length - 1).fill('inner'));
    expect(after.length).toBeGreaterThan(1);
    expect(after.at(-1)).toMatchObject({ msg: 'outer', detail: expect.stringContaining('[getter threw: prodlog: fatal() was called while another fatal() was being logged') });
  });
});
