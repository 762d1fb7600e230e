import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../src';
import { checkCommand } from '../src/cli/checkCommand';
import { withoutSecrets } from '../src/config/withoutSecrets';
import { logStartup } from '../src/readiness/startupRecord';
import { memoryLogger } from './support/memoryLogger';
import { tempDir } from './support/runFixture';

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
    const status = checkCommand([path], { stdout: (t) => (out += t), stderr: (t) => (out += t), env: {}, cwd: '/' });
    expect(status).toBe(0);
    expect(out).not.toMatch(/S3CR3T/);
    expect(JSON.parse(out)).toMatchObject({ transports: [{ type: 'http', headers: shown }] });
  });
});
