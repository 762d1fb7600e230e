import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { createLogger, metricsText, requestLogger } from '../../src';
import { closedPort } from '../support/http-receiver';
import { REPO } from '../support/paths';
import { tempDir } from '../support/run-fixture';
import { needsSystemTest } from '../support/system-tests';

const ALERTS = join(REPO, 'docs', 'alerts');
const RULES = join(ALERTS, 'prometheus-rules.yml');
const RULE_TESTS = join(ALERTS, 'prometheus-rules.test.yml');

/** promtool from the Debian package prometheus (scripts/install-receivers.sh). */
function promtool(args: readonly string[], cwd: string): { status: number | null; output: string } {
  needsSystemTest('running promtool');
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is not installed (${r.error.message}): run bash scripts/install-receivers.sh as root`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const rules = readFileSync(RULES, 'utf8');
const alertNames = [...rules.matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]!);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

describe('docs/alerts/prometheus-rules.yml', () => {
  it('is valid for Prometheus (promtool check rules)', () => {
    const r = promtool(['check', 'rules', RULES], ALERTS);
    expect(r.output).toContain(`SUCCESS: ${alertNames.length} rules found`);
    expect(r.status).toBe(0);
  });

  it('passes its unit tests with input series (promtool test rules)', () => {
    const r = promtool(['test', 'rules', RULE_TESTS], ALERTS);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('has a unit test in which each alert fires', () => {
    const tests = readFileSync(RULE_TESTS, 'utf8');
    expect(alertNames.length).toBeGreaterThanOrEqual(12);
    for (const name of alertNames) expect(tests).toMatch(new RegExp(`alertname: ${name}\\n\\s+exp_alerts:\\n\\s+- exp_labels:`));
  });

  it('unit tests that fail when a threshold is wrong', () => {
    const dir = tempDir('alert-rules');
    copyFileSync(RULE_TESTS, join(dir, 'prometheus-rules.test.yml'));
    writeFileSync(join(dir, 'prometheus-rules.yml'), rules.replace('> 0.05', '> 0.5').replace('for: 5m', 'for: 1m'));
    const r = promtool(['test', 'rules', 'prometheus-rules.test.yml'], dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('alertname: HttpErrorRateHigh');
    expect(r.output).toContain('alertname: ProdlogTransportDown');
  });

  it('gives every alert a summary and a runbook section that exists in docs/service.md', () => {
    const headings = new Set([...readFileSync(join(REPO, 'docs', 'service.md'), 'utf8').matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
    const blocks = rules.split(/\n\s+- alert: /).slice(1);
    expect(blocks).toHaveLength(alertNames.length);
    for (const block of blocks) {
      expect(block).toMatch(/\n\s+summary: "[^"]+"/);
      const runbook = /\n\s+runbook_url: "docs\/service\.md#([\w-]+)"/.exec(block);
      expect({ alert: block.split('\n')[0], anchor: runbook?.[1] !== undefined && headings.has(runbook[1]) }).toEqual({ alert: block.split('\n')[0], anchor: true });
    }
  });

  it('uses only metrics that prodlog serves on /metrics', async () => {
    const dir = tempDir('alert-metrics');
    const log = createLogger({
      name: 'checkout',
      capture: false,
      shutdown: false,
      warnings: false,
      transports: [
        { type: 'file', path: join(dir, 'checkout.log'), rotate: { size: '4K', compress: 'gzip' } },
        { type: 'http', url: `http://127.0.0.1:${await closedPort()}/ingest`, format: 'ndjson', spool: { dir: join(dir, 'spool') } },
      ],
    });
    const logRequests = requestLogger(log, { routeOf: () => '/orders' });
    const server = http.createServer((req, res) => {
      logRequests(req, res);
      res.statusCode = 500;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      await new Promise<void>((resolve, reject) => http.get(`http://127.0.0.1:${port}/orders`, (res) => res.resume().on('end', resolve)).on('error', reject));
      const exposed = new Set([...metricsText({ log }).matchAll(/^# TYPE (\w+) (\w+)$/gm)].map((m) => m[1]!));
      const used = new Set([...rules.matchAll(/\b((?:prodlog|http)_[a-z_]+)\b/g)].map((m) => m[1]!.replace(/_bucket$/, '')));
      expect(used.size).toBeGreaterThanOrEqual(15);
      for (const name of used) expect({ name, exposed: exposed.has(name) }).toEqual({ name, exposed: true });
    } finally {
      server.close();
      await log.close();
    }
  });
});
