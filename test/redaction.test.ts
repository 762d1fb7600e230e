import { DEFAULT_SECRET_EXACT, DEFAULT_SECRET_SUFFIXES } from '../src';
import { memoryLogger } from './support/memoryLogger';

const SECRET_VALUE = 'hunter2-secret-value';

describe('default redaction', () => {
  const spellings = (key: string): string[] => [key, key.toUpperCase(), `db_${key}`, `X-${key}`];
  const keys = [...DEFAULT_SECRET_EXACT, ...DEFAULT_SECRET_SUFFIXES.flatMap(spellings), 'apiKey', 'Authorization', 'set-cookie', 'client_secret', 'accessToken'];

  it.each(keys)('censors %s at the top level, nested, in arrays, in bindings and inside errors', (key) => {
    const { log, memory } = memoryLogger();
    const err = Object.assign(new Error('boom'), { cause: { [key]: SECRET_VALUE } });
    log.child({ [key]: SECRET_VALUE }).info('m', {
      [key]: SECRET_VALUE,
      nested: { deeper: { [key]: SECRET_VALUE } },
      list: [{ [key]: SECRET_VALUE }],
      err,
    });
    expect(memory.lines[0]).not.toContain(SECRET_VALUE);
    expect(memory.lines[0]).toContain('[Redacted]');
  });

  it('leaves look-alike keys alone', () => {
    const { log, memory } = memoryLogger();
    log.info('m', { author: 'a', tokens: 3, keyboard: 'k', passage: 'p' });
    expect(memory.records[0]).toMatchObject({ author: 'a', tokens: 3, keyboard: 'k', passage: 'p' });
  });

  it('can be turned off', () => {
    const { log, memory } = memoryLogger({ redact: { defaults: false } });
    log.info('m', { password: SECRET_VALUE });
    expect(memory.records[0]!['password']).toBe(SECRET_VALUE);
  });

  it('uses the configured censor', () => {
    const { log, memory } = memoryLogger({ redact: { censor: '***' } });
    log.info('m', { token: SECRET_VALUE });
    expect(memory.records[0]!['token']).toBe('***');
  });
});

describe('redaction paths', () => {
  it('censors the configured paths, wildcards included', () => {
    const { log, memory } = memoryLogger({ redact: ['user.email', 'cards[*].number'] });
    log.info('m', { user: { email: 'a@b.c', id: 1 }, cards: [{ number: '4111', brand: 'visa' }] });
    expect(memory.records[0]).toMatchObject({ user: { email: '[Redacted]', id: 1 }, cards: [{ number: '[Redacted]', brand: 'visa' }] });
  });

  it('does not mutate the logged object', () => {
    const { log } = memoryLogger({ redact: ['user.email'] });
    const fields = { user: { email: 'a@b.c' } };
    log.info('m', fields);
    expect(fields.user.email).toBe('a@b.c');
  });
});
