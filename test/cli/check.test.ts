import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../support/prodlog-cli';
import { tempDir } from '../support/run-fixture';

describe('prodlog check', () => {
  const dir = tempDir('cli-check');

  it('prints the resolved config with defaults filled in and secrets hidden', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify({ name: 'svc', transports: [{ type: 'file', path: 'x.log' }], redact: { censor: 'token-like-censor' } }));
    const r = cli(['check', path]);
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ name: 'svc', level: 'info', capture: true, transports: [{ type: 'file', path: 'x.log' }] });
  });

  it('prints no credential: not a URL query token, URL password, header or TLS private key', () => {
    const path = join(dir, 'secrets.json');
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    writeFileSync(path, JSON.stringify({
      transports: [
        { type: 'http', url: 'https://ingest:pw-in-url@logs.example/v1/logs?api_key=query-token-123', format: 'ndjson', headers: { Authorization: 'Bearer header-token-456' } },
        { type: 'syslog', host: 'logs.example', protocol: 'tls', tls: { key: pem, cert: 'client-cert-pem', ca: 'ca-pem' } },
      ],
    }));
    const r = cli(['check', path]);
    expect(r.status).toBe(0);
    for (const secret of ['query-token-123', 'api_key', 'pw-in-url', 'ingest', 'header-token-456', 'PRIVATE KEY', 'client-cert-pem']) expect(r.stdout).not.toContain(secret);
    expect(JSON.parse(r.stdout)).toMatchObject({
      transports: [
        { type: 'http', url: 'https://logs.example/v1/logs', headers: { Authorization: '[Redacted]' } },
        { type: 'syslog', host: 'logs.example', tls: { key: '[Redacted]', cert: '[Redacted]', ca: 'ca-pem' } },
      ],
    });
  });

  it('exits non-zero with the same message as the library', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ transports: [{ type: 'nope' }] }));
    const r = cli(['check', path]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`invalid prodlog configuration (${path}):\n  transports[0].type: "nope" is not one of console, file`);
  });

  it('names each deprecated spelling on stderr, with what to write instead, and still prints the configuration', () => {
    const path = join(dir, 'deprecated.json');
    writeFileSync(path, JSON.stringify({ fatal: { timeoutMs: 3000 }, transports: [{ type: 'http', url: 'http://127.0.0.1:1/x', format: 'ndjson', batch: { maxBytes: 1048576 } }] }));
    const r = cli(['check', path]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('prodlog check: transports[0].batch.maxBytes: 1048576 is deprecated and refused from 0.3.0 on: write transports[0].batch.maxBytes: "1M"');
    expect(r.stderr).toContain('prodlog check: fatal.timeoutMs: 3000 is deprecated and refused from 0.3.0 on: write fatal.timeout: "3s"');
    expect(JSON.parse(r.stdout)).toMatchObject({ fatal: { timeoutMs: 3000 } });
  });

  it('says on stderr which keys came from the file and which from the environment, with no value', () => {
    const path = join(dir, 'sources.json');
    writeFileSync(path, JSON.stringify({ name: 'svc', level: 'warn', fatal: { exitCode: 3 }, transports: [{ type: 'http', url: 'https://u:pw-in-url@logs.example/x', format: 'ndjson', headers: { authorization: 'Bearer hdr-456' } }] }));
    const r = cli(['check', path], '', { env: { LOG_LEVEL: 'debug' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('prodlog check: sources: fatal.exitCode: file, level: env LOG_LEVEL (over file), name: file, transports: file; every other key is a default\n');
    expect(r.stderr).not.toMatch(/pw-in-url|hdr-456/);
    expect(JSON.parse(r.stdout)).toMatchObject({ level: 'debug', fatal: { exitCode: 3 } });
  });

  it('refuses a file it cannot parse', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{');
    expect(cli(['check', path]).stderr).toContain('is not valid JSON');
  });
});
