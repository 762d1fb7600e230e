import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, createLogger, resolveConfig } from '../../../src';
import { fileTestDir } from '../../support/file-logs';

function problemsOf(input: unknown): string[] {
  try {
    resolveConfig(input, 'options', {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

const fileWith = (extra: Record<string, unknown>) => ({ transports: [{ type: 'file', path: 'logs/app.log', ...extra }] });

describe('rotate options fail at startup naming key, value and what is allowed', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a size that is not one', { rotate: { size: 'ten' } }, 'transports[0].rotate.size: "ten" is not a size like "10M"'],
    ['a size as a bare number', { rotate: { size: 10 } }, 'transports[0].rotate.size: 10 is not a size like "10M"'],
    ['an interval that is not one', { rotate: { interval: 'daily' } }, 'transports[0].rotate.interval: "daily" is not a duration of at least 1s like "1d"'],
    ['an interval below a second', { rotate: { interval: '10ms' } }, 'transports[0].rotate.interval: "10ms" is not a duration of at least 1s like "1d"'],
    ['a compression that does not exist', { rotate: { size: '1M', compress: 'zip' } }, 'transports[0].rotate.compress: "zip" is not one of "gzip", false'],
    ['maxFiles zero', { rotate: { size: '1M', maxFiles: 0 } }, 'transports[0].rotate.maxFiles: 0 is too small: the minimum is 1'],
    ['maxFiles as a string', { rotate: { size: '1M', maxFiles: '14' } }, 'transports[0].rotate.maxFiles: "14" is a string; expected a number'],
    ['a maxAge without unit', { rotate: { size: '1M', maxAge: '14' } }, 'transports[0].rotate.maxAge: "14" is not a duration like "1d"'],
    ['a maxTotalSize that is not one', { rotate: { size: '1M', maxTotalSize: '2 gigs' } }, 'transports[0].rotate.maxTotalSize: "2 gigs" is not a size like "10M"'],
    ['retention without a trigger', { rotate: { maxFiles: 3 } }, 'transports[0].rotate: {"maxFiles":3} needs "size" or "interval" (or both): without one the file never rotates'],
    ['a typo in a rotate key', { rotate: { size: '1M', maxfiles: 3 } }, 'transports[0].rotate: unknown key "maxfiles"; allowed keys: size, interval, compress, maxFiles, maxAge, maxTotalSize'],
    ['a signal that cannot reopen', { reopenSignal: 'SIGTERM' }, 'transports[0].reopenSignal: "SIGTERM" is not one of "SIGHUP", "SIGUSR2", false'],
    [
      'a reopen signal on a file that rotates itself',
      { rotate: { size: '1M' }, reopenSignal: 'SIGHUP' },
      'transports[0].reopenSignal: "SIGHUP" is for a file rotated by an external tool such as logrotate, and this one has "rotate": use one or the other',
    ],
  ])('%s', (_name, extra, expected) => {
    expect(problemsOf(fileWith(extra))).toContain(expected);
  });

  it('reports every bad rotate key at once', () => {
    expect(problemsOf(fileWith({ rotate: { size: 'ten', interval: 'daily', maxAge: 'old' } }))).toHaveLength(3);
  });

  it('accepts the documented example and turns units into numbers', () => {
    const config = resolveConfig(
      fileWith({ rotate: { size: '10M', interval: '1d', compress: 'gzip', maxFiles: 14, maxAge: '14d', maxTotalSize: '2G' } }),
      'options',
      {},
    );
    expect(config.transports[0]).toMatchObject({
      rotate: { size: 10 * 1024 ** 2, interval: 86_400_000, compress: 'gzip', maxFiles: 14, maxAge: 14 * 86_400_000, maxTotalSize: 2 * 1024 ** 3 },
    });
  });

  it('accepts reopenSignal false on a rotating file', () => {
    expect(() => resolveConfig(fileWith({ rotate: { size: '1M' }, reopenSignal: false }), 'options', {})).not.toThrow();
  });
});

describe('a file path or rotate size that cannot work fails at startup with a ConfigError naming key, value and what is allowed', () => {
  const dir = fileTestDir('settings-paths');
  const folder = join(dir, 'logs');
  mkdirSync(folder);
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, '');

  /** The ConfigError createLogger throws, as a service would meet it. */
  function startupProblems(transport: Record<string, unknown>): string[] {
    try {
      createLogger({ transports: [{ type: 'console' }, { type: 'file', ...transport }] as never }).close();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return [...(err as ConfigError).problems];
    }
    throw new Error('expected a ConfigError');
  }

  it('a path that is a folder', () => {
    expect(startupProblems({ path: folder })).toEqual([`transports[1].path: ${JSON.stringify(folder)} is a folder: the path names the log file, like ${JSON.stringify(join(folder, 'app.log'))}`]);
  });

  it('a path that ends in a slash', () => {
    expect(startupProblems({ path: 'logs/' })).toEqual(['transports[1].path: "logs/" ends in "/": the path names the log file, like "logs/app.log"']);
  });

  it('a path under a file', () => {
    const path = join(file, 'sub', 'app.log');
    expect(startupProblems({ path, rotate: { size: '1M' } })).toEqual([`transports[1].path: ${JSON.stringify(path)} is inside ${JSON.stringify(file)}, which is a file, not a folder`]);
  });

  it.each(['1B', '100B', '4095B', '3.9K'])('a rotate size below 4K: %j', (size) => {
    expect(startupProblems({ path: join(dir, 'app.log'), rotate: { size } })).toEqual([
      `transports[1].rotate.size: ${JSON.stringify(size)} is below 4K, the smallest rotate size: a smaller file still takes a 4 KiB block on disk, and would rotate at almost every record`,
    ]);
  });

  it('4K, a folder that does not exist yet and a path inside existing folders are accepted', () => {
    expect(() => resolveConfig(fileWith({ path: join(dir, 'new', 'deeper', 'app.log'), rotate: { size: '4K' } }), 'options', {})).not.toThrow();
    expect(() => resolveConfig(fileWith({ path: join(folder, 'app.log') }), 'options', {})).not.toThrow();
  });
});
