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
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < records; i++) logger.log(i);
  // Worker-thread transports (pino-roll) do not hold the event loop open while they finish.
  const keepAlive = setInterval(() => undefined, 1000);
  await logger.finish();
  clearInterval(keepAlive);
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart); // all threads of the process: a compression worker counts too
  process.stdout.write(`${JSON.stringify({ ns, cpuUs: cpu.user + cpu.system, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
