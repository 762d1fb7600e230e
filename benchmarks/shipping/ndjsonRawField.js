'use strict';
/**
 * Bytes on the wire per record with and without the ndjson format's
 * `rawField` (docs/http-shipping.md, ndjson), for the records of the main
 * suite (benchmarks/cases/records.js): the access-log-like object record
 * and the error record. Each is logged 1,000 times through prodlog (so the
 * lines are the spooled ones: redacted, sanitised) and encoded as one batch
 * with spool ids like the spool's; gzip at level 1, as the transport does.
 *
 *   node benchmarks/shipping/ndjsonRawField.js
 *
 * Reads the TypeScript sources, so no build is needed. Encoding only: no
 * receiver, no timing.
 */
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { OBJECT_FIELDS, OBJECT_MESSAGE, ERROR } = require('../cases/records');
const { ROOT, requireTypeScript } = require('../lib/childRuns');

const N = 1_000;
const { createLogger } = requireTypeScript(join(ROOT, 'src', 'index.ts'));
const { MemoryTransport } = requireTypeScript(join(ROOT, 'src', 'testing', 'index.ts'));
const { createNdjsonFormat } = requireTypeScript(join(ROOT, 'transports', 'http', 'formats', 'ndjsonFormat.ts'));

const cases = {
  object: (log) => log.info(OBJECT_MESSAGE, OBJECT_FIELDS),
  error: (log) => log.error(ERROR),
};
const formats = { 'ndjson': createNdjsonFormat({}), 'ndjson, rawField "raw"': createNdjsonFormat({ rawField: 'raw' }) };

const rows = [];
for (const [name, call] of Object.entries(cases)) {
  const memory = new MemoryTransport();
  const log = createLogger({ name: 'bench', capture: false, shutdown: false, warnings: false, transports: [{ type: 'custom', transport: memory }] });
  for (let i = 0; i < N; i++) call(log);
  const records = memory.lines.map((line, i) => ({ line: line.slice(0, -1), id: `0mbx9z1a0001-3f2a1b.${i}` }));
  const logged = memory.lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0) / N;
  rows.push(`| ${name} | (the record as logged) | ${logged.toFixed(0)} | |`);
  for (const [label, format] of Object.entries(formats)) {
    const body = Buffer.from(format.encode(records));
    rows.push(`| ${name} | ${label} | ${(body.length / N).toFixed(0)} | ${(gzipSync(body, { level: 1 }).length / N).toFixed(1)} |`);
  }
}
process.stdout.write(['| record | format | bytes per record | gzipped (level 1) |', '|---|---|---:|---:|', ...rows, ''].join('\n'));
