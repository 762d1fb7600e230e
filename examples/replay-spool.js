#!/usr/bin/env node
// Delivers a spool left behind by a service that will not start again on
// this machine (decommissioned host, copied disk, renamed service):
//
//   node replay-spool.js <spool-dir> '<transport as in prodlog.config.json>' [--timeout-ms N]
//   node replay-spool.js /var/spool/checkout/http '{"type":"http","url":"http://logs:4319/ingest","format":"ndjson"}'
//
// It opens a logger whose only transport is that shipping transport on that
// spool. The transport's level is "silent", so nothing new is added: the
// transport only delivers what is spooled, from the saved position, with the
// records' original ids (a receiver that deduplicates on them sees no copies).
// Exits 0 once the backlog is 0, 1 if the deadline passes first (what is left
// stays in the spool; run it again), 2 on bad arguments.
const { createLogger } = require('prodlog');

const [dir, transportJson, ...rest] = process.argv.slice(2);
const timeoutAt = rest.indexOf('--timeout-ms');
const timeoutMs = timeoutAt >= 0 ? Number(rest[timeoutAt + 1]) : 600_000;
if (!dir || !transportJson || !(timeoutMs > 0)) {
  process.stderr.write("usage: node replay-spool.js <spool-dir> '<transport JSON>' [--timeout-ms N]\n");
  process.exit(2);
}

const given = JSON.parse(transportJson);
const transport = { ...given, level: 'silent', spool: { ...given.spool, dir } };
// A ConfigError (bad transport, or a spool still locked by a running service) is thrown here, naming the problem.
const log = createLogger({ name: 'replay', startup: false, shutdown: false, warnings: false, capture: false, transports: [transport] });
const startedAt = Date.now();

const timer = setInterval(() => {
  const health = log.health().transports[0];
  process.stdout.write(`backlog ${health.backlogRecords} records, delivered ${health.delivered}${health.lastError ? `, last error: ${health.lastError}` : ''}\n`);
  const done = health.backlogRecords === 0;
  if (!done && Date.now() - startedAt < timeoutMs) return;
  clearInterval(timer);
  log.close().then(() => {
    process.stdout.write(done ? `replayed ${health.delivered} records from ${dir}\n` : `deadline passed: ${health.backlogRecords} records left in ${dir}\n`);
    process.exitCode = done ? 0 : 1;
  });
}, 500);
