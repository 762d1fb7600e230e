'use strict';
const { loadLogger } = require('../loggers');
const { inBursts, reportFatalStart } = require('./runCase');
const { OBJECT_FIELDS, OBJECT_MESSAGE } = require('./records');

/**
 * `node benchmarks/cases/fatal.js <logger> <file> <n>`: logs n object records
 * in a tight loop, so they are all still pending, then calls the library's
 * fatal path. The parent times from the reported start to the process exit
 * and counts the lines: n + 1 means nothing was lost.
 */
async function main() {
  const [name, dest, nText] = process.argv.slice(2);
  const n = Number(nText);
  if (!name || !dest || !Number.isInteger(n) || n < 1) {
    throw new Error(`usage: node ${process.argv[1]} <logger> <file> <n: integer >= 1>; got ${process.argv.slice(2).join(' ')}`);
  }
  const log = await loadLogger(name).create(dest);
  await inBursts(() => log.info(OBJECT_MESSAGE, OBJECT_FIELDS), n, n);
  reportFatalStart();
  log.fatal('shutting down: required config missing');
}

main();
