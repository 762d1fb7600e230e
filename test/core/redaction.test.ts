import { DEFAULT_SECRET_EXACT, DEFAULT_SECRET_SUFFIXES } from '../../src';
import { memoryLogger } from '../support/memory-logger';

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

  // Names services use for credentials (AWS, OAuth, database and TLS settings, one-time codes, session headers).
  const commonSecretNames = [
    'secretKey', 'secretAccessKey', 'AWS_SECRET_ACCESS_KEY', 'accessKey', 'awsCredentials', 'credential', 'basicAuth', 'client_key',
    'privateKeyPem', 'jwt', 'otp', 'x-session-id', 'signingKey', 'encryption_key', 'masterKey', 'storageAccountKey', 'idJwt', 'totp',
    'tokenValue', 'apiKeyHex', 'clientSecretBase64', 'sessionKey', 'passphrase', 'sshPassphrase',
  ];
  it.each(commonSecretNames)('censors the common secret name %s', (key) => {
    const { log, memory } = memoryLogger();
    log.info('m', { [key]: SECRET_VALUE, nested: { [key]: SECRET_VALUE } });
    expect(memory.lines[0]).not.toContain(SECRET_VALUE);
    expect(memory.records[0]).toMatchObject({ [key]: '[Redacted]', nested: { [key]: '[Redacted]' } });
  });

  it('leaves names that only look like those alone', () => {
    const { log, memory } = memoryLogger();
    const fields = {
      monkey: 1, accessKeyword: 'k', accessKeyId: 'AKIAEXAMPLE', primaryKey: 'id', publicKey: 'pk', sortKey: 's', cacheKey: 'c',
      idempotencyKey: 'i', keyId: 'kid', credentialType: 'password', sessionCount: 3, tokenCount: 9, provider: 'p', header: 'h', compass: 'n',
    };
    log.info('m', fields);
    expect(memory.records[0]).toMatchObject(fields);
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

describe('credentials inside URL-like string values', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['postgres://user:S3CR3T-pg@db.internal:5432/shop', 'postgres://user:[Redacted]@db.internal:5432/shop'],
    ['mongodb+srv://u:S3CR3T-mongo@cluster0.example.net/app?retryWrites=true', 'mongodb+srv://u:[Redacted]@cluster0.example.net/app?retryWrites=true'],
    ['mongodb://u:S3CR3T-multi@h1:27017,h2:27017/app?replicaSet=rs0', 'mongodb://u:[Redacted]@h1:27017,h2:27017/app?replicaSet=rs0'],
    ['redis://:S3CR3T-redis@cache.internal:6379', 'redis://:[Redacted]@cache.internal:6379'],
    ['amqp://u:S3CR3T-amqp@mq.internal', 'amqp://u:[Redacted]@mq.internal'],
    ['https://u:S3CR3T-with@sign@host.example/path', 'https://u:[Redacted]@host.example/path'],
    ['https://api.example/v1/items?api_key=S3CR3T-query&page=2', 'https://api.example/v1/items?api_key=[Redacted]&page=2'],
    ['/callback?code=S3CR3T-code&state=abc', '/callback?code=[Redacted]&state=abc'],
    ['https://app.example/#access_token=S3CR3T-fragment&token_type=bearer', 'https://app.example/#access_token=[Redacted]&token_type=bearer'],
    ['https://s3.example/b/k?X-Amz-Credential=S3CR3T-amz-cred&X-Amz-Signature=S3CR3T-amz-sig&X-Amz-Expires=60', 'https://s3.example/b/k?X-Amz-Credential=[Redacted]&X-Amz-Signature=[Redacted]&X-Amz-Expires=60'],
  ];

  it.each(cases)('%s is written with its credentials censored and the rest kept', (input, expected) => {
    const { log, memory } = memoryLogger();
    log.info('m', { url: input, nested: { list: [input] } });
    expect(memory.lines[0]).not.toMatch(/S3CR3T/);
    expect(memory.records[0]).toMatchObject({ url: expected, nested: { list: [expected] } });
  });

  it('leaves other strings, and URLs without credentials, untouched', () => {
    const { log, memory } = memoryLogger();
    const fields = {
      plain: 'user:pass@host is not a URL', email: 'a@b.example', web: 'https://npmjs.com/package/@scope/name', port: 'http://host:8080/@user',
      query: '/search?q=tokens&page=2', text: 'Why? Because=yes', userOnly: 'https://git@github.com/org/repo.git',
    };
    log.info('m', fields);
    expect(memory.records[0]).toMatchObject(fields);
  });

  it('follows redact.defaults', () => {
    const { log, memory } = memoryLogger({ redact: { defaults: false } });
    log.info('m', { db: 'postgres://u:p@h/db' });
    expect(memory.records[0]!['db']).toBe('postgres://u:p@h/db');
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
