import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createLogger, loadConfig, resolveConfig } from '../../src';
import { FileTransport } from '../../transports/file/FileTransport';

function problemsOf(input: unknown, env: Record<string, string> = {}): string[] {
  try {
    resolveConfig(input, 'options', env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('bad configuration fails at startup, naming key, value and what is allowed', () => {
  it.each<[string, unknown, string]>([
    ['an unknown transport type', { transports: [{ type: 'nope' }] }, 'transports[0].type: "nope" is not one of console, file, custom'],
    ['an unknown level', { level: 'verbose' }, 'level: "verbose" is not one of debug, info, warn, error, fatal, silent'],
    ['a transport level', { transports: [{ type: 'console', level: 'trace' }] }, 'transports[0].level: "trace" is not one of debug, info, warn, error, fatal, silent'],
    ['a missing file path', { transports: [{ type: 'file' }] }, 'transports[0].path: is required: expected a string'],
    ['a wrong type', { capture: 'yes' }, 'capture: "yes" is a string; expected true or false'],
    ['an exit code out of range', { fatal: { exitCode: 0 } }, 'fatal.exitCode: 0 is too small: the minimum is 1'],
    ['a typo in a key', { levle: 'info' }, '(root): unknown key "levle"; allowed keys: name, level, levels, replayOnError, transports, redact, capture, fatal, limits'],
    ['a typo in a transport key', { transports: [{ type: 'file', path: 'a.log', pth: 'x' }] }, 'transports[0]: unknown key "pth"; allowed keys: type, level'],
    ['a non-object transport', { transports: 'console' }, 'transports: "console" is a string; expected an array'],
    ['no transport at all', { transports: [] }, 'transports: [] is empty: at least one transport is required'],
    ['a custom transport that is not one', { transports: [{ type: 'custom', transport: {} }] }, 'transports[0].transport: {} is not a Transport: expected an object with a name and the methods write, flush, flushSync, close, health'],
  ])('%s', (_name, input, expected) => {
    // Prefix match: transports added later extend the lists of allowed types and keys.
    expect(problemsOf(input).some((p) => p.startsWith(expected))).toBe(true);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ level: 'loud', capture: 1 })).toHaveLength(2);
  });

  it('createLogger throws the same error, with the source in the message', () => {
    expect(() => createLogger({ level: 'verbose' as 'info' })).toThrow(/invalid prodlog configuration \(options\):\n {2}level: "verbose" is not one of/);
  });

  it('fills in documented defaults', () => {
    const config = resolveConfig({}, 'options', {});
    expect(config).toMatchObject({
      level: 'info',
      transports: [{ type: 'console', pretty: false, stream: 'stdout' }],
      redact: { paths: [], censor: '[Redacted]', defaults: true },
      capture: true,
      fatal: { exitCode: 1, timeoutMs: 5000 },
      closeTimeoutMs: 5000,
      limits: { maxDepth: 10, maxStringLength: 65536, maxArrayLength: 1000 },
    });
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prodlog-config-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads ./prodlog.config.json from the working directory', () => {
    write('prodlog.config.json', JSON.stringify({ name: 'from-file', level: 'warn' }));
    expect(loadConfig({ cwd: dir, env: {} })).toMatchObject({ name: 'from-file', level: 'warn' });
  });

  it('reads the file named by PRODLOG_CONFIG', () => {
    const path = write('other.json', JSON.stringify({ name: 'other' }));
    expect(loadConfig({ cwd: '/', env: { PRODLOG_CONFIG: path } }).name).toBe('other');
  });

  it('uses defaults when there is no file and none was named', () => {
    expect(loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'prodlog-empty-')), env: {} }).level).toBe('info');
  });

  it('refuses a named file that does not exist', () => {
    expect(() => loadConfig({ cwd: dir, env: { PRODLOG_CONFIG: 'missing.json' } })).toThrow(/missing\.json\):\n {2}cannot be read: ENOENT/);
  });

  it('refuses a file it cannot parse instead of falling back to defaults', () => {
    const path = write('broken.json', '{ "level": "info", }');
    expect(() => loadConfig({ path, env: {} })).toThrow(/broken\.json\):\n {2}is not valid JSON/);
  });

  it('names the file in validation errors', () => {
    const path = write('bad.json', JSON.stringify({ transports: [{ type: 'nope' }] }));
    expect(() => loadConfig({ path, env: {} })).toThrow(`invalid prodlog configuration (${path}):\n  transports[0].type: "nope" is not one of console, file`);
  });

  it('accepts a file that starts with a UTF-8 byte order mark', () => {
    const path = write('bom.json', '\ufeff{"level":"warn"}');
    expect(loadConfig({ path, env: {} }).level).toBe('warn');
  });

  it.each<[string, string, string]>([
    ['at the top', '{"__proto__":{"level":"debug"}}', '(root): unknown key "__proto__"'],
    ['in a transport', '{"transports":[{"type":"console","__proto__":{"pretty":true}}]}', 'transports[0]: unknown key "__proto__"'],
    ['deeper', '{"transports":[{"type":"file","path":"a.log","rotate":{"size":"1M","__proto__":{"maxFiles":1}}}]}', 'transports[0].rotate: unknown key "__proto__"'],
  ])('refuses a "__proto__" key %s like any unknown key, naming its path, instead of applying it', (_where, text, expected) => {
    const path = write('proto.json', text);
    expect(() => loadConfig({ path, env: {} })).toThrow(expected);
  });

  it('escapes invisible and control characters in its messages', () => {
    const path = write('invisible.json', '\ufeff\u200b{"level":"info"}'); // one byte order mark is accepted, what follows is not JSON
    let message = '';
    try {
      loadConfig({ path, env: {} });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('is not valid JSON');
    expect(message).toContain('"\\u200b{"level"');
    expect(message.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    const problems = problemsOf({ level: 'inf\u200bo\u202e', transports: [{ type: 'file\u0000' }] });
    expect(problems.join('')).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    expect(problems[0]).toBe('level: "inf\\u200bo\\u202e" is not one of debug, info, warn, error, fatal, silent');
  });

  it('LOG_LEVEL overrides the level from the file', () => {
    const path = write('level.json', JSON.stringify({ level: 'warn' }));
    expect(loadConfig({ path, env: { LOG_LEVEL: 'debug' } }).level).toBe('debug');
  });

  it('a bad LOG_LEVEL fails naming the variable', () => {
    expect(() => loadConfig({ cwd: dir, env: { LOG_LEVEL: 'loud' } })).toThrow('LOG_LEVEL: "loud" is not a level; expected a level (debug, info, warn, error, fatal, silent) and module entries, like "info,db=debug,http.client=warn"');
  });
});

describe('environment variables in config files', () => {
  const dir = tempDirFor('env');
  const file = (config: unknown): string => {
    const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(config));
    return path;
  };

  it('replaces ${VAR} and ${VAR:-default} in string values at any depth', () => {
    const path = file({ name: '${SERVICE}', transports: [{ type: 'file', path: '${LOG_DIR:-/var/log}/app.log' }] });
    expect(loadConfig({ path, env: { SERVICE: 'checkout' } })).toMatchObject({ name: 'checkout', transports: [{ path: '/var/log/app.log' }] });
    expect(loadConfig({ path, env: { SERVICE: 'checkout', LOG_DIR: '/srv/logs' } }).transports[0]).toMatchObject({ path: '/srv/logs/app.log' });
  });

  it('keeps $${ as a literal ${', () => {
    expect(loadConfig({ path: file({ name: 'a$${B}' }), env: {} }).name).toBe('a${B}');
  });

  it('fails naming the key and the variable when one is unset and has no default', () => {
    const path = file({ name: 'svc-${REGION}' });
    expect(() => loadConfig({ path, env: {} })).toThrow('name: "svc-${REGION}" needs the environment variable REGION, which is not set');
  });
});

function tempDirFor(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `prodlog-config-${prefix}-`));
}

describe('createLogger when a transport fails at startup', () => {
  /** The paths this process has open. */
  const openPaths = (): string[] =>
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [readlinkSync(`/proc/self/fd/${fd}`)];
      } catch {
        return [];
      }
    });

  it('closes the transports it already created before it rethrows: no file left open, no lock or signal listener left held', async () => {
    const dir = tempDirFor('startup-failure');
    const plain = join(dir, 'plain.log');
    const rotating = join(dir, 'rotating.log');
    const sighupListeners = process.listenerCount('SIGHUP');
    const closeSpy = jest.spyOn(FileTransport.prototype, 'close');
    try {
      expect(() =>
        createLogger({
          capture: false,
          shutdown: false,
          transports: [
            { type: 'file', path: plain },
            { type: 'file', path: rotating, rotate: { size: '1M' } },
            { type: 'syslog', host: '127.0.0.1', protocol: 'tls', tls: { caFile: join(dir, 'missing-ca.pem') } },
          ],
        }),
      ).toThrow(ConfigError);
      expect(openPaths().filter((p) => p === plain || p === rotating)).toEqual([]);
      expect(process.listenerCount('SIGHUP')).toBe(sighupListeners);
      expect(closeSpy).toHaveBeenCalledTimes(2);
      await Promise.all(closeSpy.mock.results.map((r) => r.value as Promise<void>));
    } finally {
      closeSpy.mockRestore();
    }
    // The rotating file's lock is free again: another logger can take it.
    const again = createLogger({ capture: false, shutdown: false, transports: [{ type: 'file', path: rotating, rotate: { size: '1M' } }] });
    await again.close();
  });
});
