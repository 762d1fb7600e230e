import { join } from 'node:path';
import { ConfigError, requireResources } from '../../src';
import { ExitCalled, memoryLogger } from '../support/memory-logger';
import { readRecords, runFixture, tempDir } from '../support/run-fixture';

const GiB = 1024 ** 3;

function start(needs: unknown): { status: number | null; stdout: string; records: Record<string, unknown>[] } {
  const file = join(tempDir('resources'), 'app.log');
  const run = runFixture('readiness-resources.js', [file, JSON.stringify(needs)]);
  return { status: run.status, stdout: run.stdout, records: readRecords(file) };
}

describe('requireResources, in a real process', () => {
  it('lets a service start when the machine has what it needs', () => {
    const { status, stdout, records } = start({ memory: '16M', diskFree: { path: __dirname, min: '1K' }, cpus: 1 });
    expect(status).toBe(0);
    expect(stdout).toBe('started\n');
    expect(records.map((r) => r['msg'])).toEqual(['booting', 'started']);
  });

  it('ends it with FATAL naming what was needed and what was found, and exit code 1', () => {
    const { status, stdout, records } = start({ memory: '1000T', diskFree: [{ path: __dirname, min: '1K' }, { path: '/no/such/folder', min: '1G' }] });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(records).toHaveLength(2);
    const fatal = records[1]!;
    expect(fatal).toMatchObject({
      level: 'fatal',
      category: 'resource',
      shortfalls: [
        { resource: 'memory', needed: '1000T', found: expect.stringMatching(/^\d+(\.\d)?[GMT]$/) },
        { resource: 'diskFree', path: '/no/such/folder', needed: '1G', found: 'no such folder' },
      ],
    });
    expect(fatal['msg']).toMatch(/^needs memory 1000T, has \d+(\.\d)?[GMT]; diskFree on \/no\/such\/folder 1G, has no such folder$/);
  });
});

describe('requireResources', () => {
  const probes = { memoryAvailable: () => 16 * GiB, diskFree: () => 20 * GiB, cpusAvailable: () => 2 };

  it('says "needs 32G, has 16G"', () => {
    const { log, memory } = memoryLogger({ shutdown: false });
    expect(() => requireResources(log, { memory: '32G', cpus: 4 }, probes)).toThrow(ExitCalled);
    expect(memory.records.at(-1)).toMatchObject({
      level: 'fatal',
      msg: 'needs memory 32G, has 16G; cpus 4, has 2',
      shortfalls: [{ resource: 'memory', needed: '32G', found: '16G' }, { resource: 'cpus', needed: 4, found: 2 }],
    });
  });

  it('returns without a record when everything is there', () => {
    const { log, memory } = memoryLogger({ shutdown: false });
    expect(requireResources(log, { memory: '16G', diskFree: { path: '/data', min: '20G' } }, probes)).toEqual([]);
    expect(memory.records).toHaveLength(0);
  });

  it('rejects needs it cannot read, naming key, value and what is allowed', () => {
    const { log } = memoryLogger({ shutdown: false });
    const problems = (needs: unknown): readonly string[] => {
      try {
        requireResources(log, needs as Parameters<typeof requireResources>[1], probes);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ memory: '32 gigs' })).toEqual(['memory: "32 gigs" is not a size like "10M"']);
    expect(problems({ disk: { path: '/' } })).toEqual(['(root): unknown key "disk"; allowed keys: memory, diskFree, cpus']);
    expect(problems({ cpus: 0 })).toEqual(['cpus: 0 is too small: the minimum is 1']);
  });
});
