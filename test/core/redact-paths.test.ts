import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, createLogger, resolveConfig } from '../../src';
import { checkCommand } from '../../src/cli/checkCommand';
import { MemoryTransport } from '../../src/testing';
import { tempDir } from '../support/run-fixture';

/**
 * Redaction paths are checked with the rest of the configuration: a path
 * pino cannot use stops the service at startup with a ConfigError that names
 * the key, quotes the value and says what a path may be; never a TypeError
 * or pino's "Invalid redaction path" from inside createLogger.
 */

function problems(redact: unknown): string[] {
  try {
    resolveConfig({ redact }, 'options');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('redaction paths that pino cannot use', () => {
  const bad: ReadonlyArray<[string, RegExp]> = [
    ['[[[', /a "\[" is never closed/],
    ['a..b', /an empty key between two dots/],
    ['a.', /ends with a dot/],
    ['.a', /starts with a dot/],
    ['a,b', /a comma/],
    ['a]', /a "\]" that closes nothing/],
    ['a[]', /empty brackets/],
    ['a["b"]c', /after "\]", a "\." or "\[" must follow/],
    ['a[b c]', /brackets hold \*, an index or a quoted key/],
    ['user email', /a space/],
    ['a["b]', /a quote that is never closed/],
  ];

  it.each(bad)('%s in the list form fails at startup naming redact[1], the value and what is allowed', (path, why) => {
    const [problem] = problems(['user.email', path]);
    expect(problem).toContain(`redact[1]: ${JSON.stringify(path)} is not a redaction path: `);
    expect(problem).toMatch(why);
    expect(problem).toContain('a path is keys joined by dots');
    expect(() => createLogger({ redact: ['user.email', path] })).toThrow(ConfigError);
  });

  it('in the object form the key is redact.paths[0]', () => {
    expect(problems({ paths: ['[[['] })).toEqual([expect.stringMatching(/^redact\.paths\[0\]: "\[\[\[" is not a redaction path: /)]);
  });

  it('a value that is not a string is named too', () => {
    expect(problems(['ok', 5])).toEqual([expect.stringMatching(/^redact\[1\]: 5 is not a redaction path: it is not a string/)]);
  });

  it('prodlog check reports the same problem and exits 2', () => {
    const path = join(tempDir('check-redact'), 'prodlog.config.json');
    writeFileSync(path, JSON.stringify({ redact: ['a..b'] }));
    let stderr = '';
    const status = checkCommand([path], { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: '/' });
    expect(status).toBe(2);
    expect(stderr).toContain(`invalid prodlog configuration (${path}):\n  redact[0]: "a..b" is not a redaction path: an empty key between two dots`);
  });

  it('the paths the README shows are accepted and work', () => {
    const memory = new MemoryTransport();
    const log = createLogger({ capture: false, shutdown: false, redact: ['user.email', 'cards[*].number', 'headers["x-api-key"]', "a['b.c']", '*.pin', 'list[0]'], transports: [{ type: 'custom', transport: memory }] });
    log.info('m', { user: { email: 'e' }, cards: [{ number: 'n' }], headers: { 'x-api-key': 'k' }, a: { 'b.c': 'd' }, box: { pin: '1' }, list: ['x'] });
    expect(memory.records[0]).toMatchObject({ user: { email: '[Redacted]' }, cards: [{ number: '[Redacted]' }], headers: { 'x-api-key': '[Redacted]' }, a: { 'b.c': '[Redacted]' }, box: { pin: '[Redacted]' } });
  });

  it('any string is either refused with a ConfigError naming it, or accepted and usable by pino', () => {
    const chars = fc.constantFrom('a', 'b', '.', '[', ']', '*', '"', "'", '0', '-', ',', ' ', '`', '_');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 12 }), (path) => {
        try {
          resolveConfig({ redact: [path] }, 'options');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).problems[0]).toMatch(/^redact\[0\]: .* is not a redaction path: /);
          return;
        }
        const memory = new MemoryTransport();
        const log = createLogger({ redact: [path], capture: false, shutdown: false, transports: [{ type: 'custom', transport: memory }] });
        log.info('m', { a: { b: 1 } });
        expect(memory.lines).toHaveLength(1);
      }),
      { numRuns: 2_000 },
    );
  });
});
