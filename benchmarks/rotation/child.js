'use strict';
// One measurement in a fresh process: node child.js <logger> <records> <dir>
// Logs in a tight loop that never yields (full logging speed), then waits
// until the logger says its last byte is on disk. Prints one JSON line.
const { LOGGERS } = require('./loggers');

const [name, n, dir] = process.argv.slice(2);
const setup = LOGGERS[name];
if (!setup) throw new Error(`unknown logger ${name}`);

async function main() {
  const logger = setup(dir);
  const records = Number(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < records; i++) logger.log(i);
  await logger.finish();
  const ns = Number(process.hrtime.bigint() - start);
  process.stdout.write(`${JSON.stringify({ ns, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
