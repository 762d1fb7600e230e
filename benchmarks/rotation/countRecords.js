'use strict';
/**
 * What a benchmark run left on disk: every record counted across the active
 * and rotated files (.gz decompressed), so a logger that loses or breaks
 * lines cannot look fast. A record is identified by its field `i`.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gunzipSync } = require('node:zlib');

function countRecords(dir, expected) {
  const seen = new Uint8Array(expected);
  let broken = 0;
  let duplicates = 0;
  let files = 0;
  for (const name of readdirSync(dir)) {
    if (!/\.log(\.\d+)?(\.gz)?$|^app\.\d+$/.test(name) || name.endsWith('.tmp')) continue;
    files++;
    const raw = readFileSync(join(dir, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let i;
      try {
        i = JSON.parse(line).i;
      } catch {
        broken++;
        continue;
      }
      if (!Number.isInteger(i) || i < 0 || i >= expected) broken++;
      else if (seen[i]++) duplicates++;
    }
  }
  let present = 0;
  for (const s of seen) if (s) present++;
  return { files, lost: expected - present, duplicates, broken };
}

module.exports = { countRecords };
