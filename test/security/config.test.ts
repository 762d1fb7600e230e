import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveConfig } from '../../src';
import { tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';

/**
 * The config loader never falls back silently: a config file it cannot
 * parse stops the service at startup, naming the file. test/core/config.test.ts checks
 * one broken file; here any damage to any valid config is tried, and a real
 * service is started on one.
 */

const dir = tempDir('sec-config');
let files = 0;
function write(text: string): string {
  const path = join(dir, `c${files++}.json`);
  writeFileSync(path, text);
  return path;
}

/** What loadConfig makes of `text`: the config, or the ConfigError's message. */
function load(text: string): { config: unknown } | { error: string } {
  const path = write(text);
  try {
    return { config: loadConfig({ path, env: {} }) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err; // anything else is a crash, not a refusal
    expect(err.message).toContain(path);
    return { error: err.message };
  }
}

const validConfig = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 12 }),
    level: fc.constantFrom('debug', 'info', 'warn', 'error'),
    transports: fc.array(
      fc.oneof(
        fc.record({ type: fc.constant('console'), pretty: fc.boolean() }),
        fc.record({ type: fc.constant('file'), path: fc.constant('/tmp/prodlog-sec-config/app.log'), rotate: fc.record({ size: fc.constantFrom('10M', '1G'), maxFiles: fc.integer({ min: 1, max: 30 }) }) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { requiredKeys: ['transports'] },
);

describe('a config file that cannot be parsed', () => {
  it('any valid config cut short is refused, naming the file, never replaced by defaults', () => {
    fc.assert(
      fc.property(validConfig, fc.nat(), (config, cutAt) => {
        const text = JSON.stringify(config, null, 2);
        const cut = text.slice(0, cutAt % text.length); // every prefix but the whole text
        expect(load(cut)).toEqual({ error: expect.stringMatching(cut.trim() === '' ? /is not valid JSON: Unexpected end/ : /is not valid JSON/) });
      }),
      { numRuns: 300 },
    );
  });

  it('any one character changed: either refused with a ConfigError naming the file, or read as exactly what the text says', () => {
    fc.assert(
      fc.property(validConfig, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), (config, at, char) => {
        const text = JSON.stringify(config);
        const k = at % text.length;
        const damaged = text.slice(0, k) + char + text.slice(k + 1);
        const result = load(damaged);
        if ('config' in result) expect(result.config).toEqual(resolveConfig(JSON.parse(damaged), 'expected', {}));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['an empty file', ''],
    ['a file of whitespace', ' \n\t'],
    ['JSON with comments', '// logging\n{"level":"info"}'],
    ['JSON with a trailing comma', '{"level":"info",}'],
    ['YAML', 'level: info\ntransports:\n  - type: console\n'],
    ['a JSON array', '[{"level":"info"}]'],
    ['a JSON string', '"info"'],
    ['JSON null', 'null'],
    ['binary bytes', '\u0000\u0001\u0002\u00ff'],
  ])('%s is refused', (_what, text) => {
    expect(load(text)).toEqual({ error: expect.stringContaining('invalid prodlog configuration') });
  });

  it('any one character changed: a refusal never prints a raw control or invisible character', () => {
    fc.assert(
      fc.property(validConfig, fc.nat(), fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u200b', '\u200e', '\u202e', '\u2028', '\u2066', '\ufeff', '\ud800'), (config, at, char) => {
        const text = JSON.stringify(config);
        const k = at % text.length;
        const result = load(text.slice(0, k) + char + text.slice(k + 1));
        if ('error' in result) expect(result.error.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u);
      }),
      { numRuns: 300 },
    );
  });

  it('a service started on a broken config file stops at startup, naming the file, and logs nothing', () => {
    const cwd = tempDir('sec-config-service');
    writeFileSync(join(cwd, 'prodlog.config.json'), '{ "level": "info", "transports": [ { "type": "console" } ');
    const run = spawnSync(process.execPath, [fixturePath('reliability-config.js')], { cwd, encoding: 'utf8', env: { ...process.env, PRODLOG_CONFIG: '' } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`invalid prodlog configuration (${join(cwd, 'prodlog.config.json')})`);
    expect(run.stderr).toMatch(/is not valid JSON/);
    expect(run.stdout).toBe(''); // no record: it did not start with the defaults
  });
});
