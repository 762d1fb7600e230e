import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../src';
import { checkCommand } from '../../src/cli/checkCommand';
import { withoutSecrets } from '../../src/core/serialize/withoutSecrets';
import { logStartup } from '../../src/integrations/startupRecord';
import { memoryLogger } from '../support/memory-logger';
import { tempDir } from '../support/run-fixture';

describe('withoutSecrets (prodlog check and the startup record)', () => {
  it('censors secret-looking keys and TLS key material, and drops user, password, query and fragment from URLs', () => {
    expect(withoutSecrets({ url: 'https://user:s3cret@logs.example/v1?api_key=abc#t', headers: { Authorization: 'Bearer t', 'X-Scope': 'a' }, tls: { key: 'PEM', cert: 'CERT', ca: 'CA' } })).toEqual({
      url: 'https://logs.example/v1',
      headers: { Authorization: '[Redacted]', 'X-Scope': '[Redacted]' },
      tls: { key: '[Redacted]', cert: '[Redacted]', ca: 'CA' },
    });
  });

  it('shows everything at any depth unless given a depth, past which objects and arrays are cut', () => {
    const deep = { a: { b: { c: { d: 'e' }, list: [[1]] } } };
    expect(withoutSecrets(deep)).toEqual(deep);
    expect(withoutSecrets(deep, 2)).toEqual({ a: { b: '[Object]' } });
    expect(withoutSecrets([deep], 3)).toEqual([{ a: { b: '[Object]' } }]);
    expect(withoutSecrets({ list: [1], map: {} }, 1)).toEqual({ list: '[Array]', map: '[Object]' });
  });
});

/**
 * HTTP transport headers as the startup record and `prodlog check` show
 * them: a header's name says nothing about whether its value is a
 * credential (`X-Custom-Key`, `x-honeycomb-team`, `DD-API-KEY` are), so
 * every value is hidden except those of a few protocol headers.
 */
const headers = {
  'X-Custom-Key': 'S3CR3T-custom-key',
  'x-honeycomb-team': 'S3CR3T-honeycomb',
  'X-Tenant': 'S3CR3T-tenant',
  Authorization: 'Bearer S3CR3T-bearer',
  'Content-Type': 'application/x-ndjson',
  accept: 'application/json',
  'User-Agent': 'checkout/1.2',
  'X-Scope-OrgID': 'team-a',
};
const shown = {
  'X-Custom-Key': '[Redacted]',
  'x-honeycomb-team': '[Redacted]',
  'X-Tenant': '[Redacted]',
  Authorization: '[Redacted]',
  'Content-Type': 'application/x-ndjson',
  accept: 'application/json',
  'User-Agent': 'checkout/1.2',
  'X-Scope-OrgID': 'team-a',
};
const transport = { type: 'http' as const, url: 'https://api.honeycomb.example/1/batch/svc', format: 'ndjson' as const, headers };

describe('transport headers shown without their values', () => {
  it('withoutSecrets keeps every header name and hides every value but those of content-type, accept, user-agent and x-scope-orgid', () => {
    expect(withoutSecrets({ transports: [transport] })).toEqual({ transports: [{ ...transport, headers: shown }] });
  });

  it('the startup record shows them so', () => {
    const { log, memory } = memoryLogger({ redact: { defaults: false } });
    logStartup(log, resolveConfig({ transports: [transport] }, 'test'));
    expect(memory.lines[0]).not.toMatch(/S3CR3T/);
    expect(memory.records[0]).toMatchObject({ msg: 'startup', transports: [{ type: 'http', headers: shown }] });
  });

  it('prodlog check shows them so', () => {
    const path = join(tempDir('check-headers'), 'prodlog.config.json');
    writeFileSync(path, JSON.stringify({ transports: [transport] }));
    let out = '';
    let err = '';
    const status = checkCommand([path], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: '/' });
    expect(status).toBe(0);
    expect(out + err).not.toMatch(/S3CR3T/);
    expect(JSON.parse(out)).toMatchObject({ transports: [{ type: 'http', headers: shown }] });
  });
});
