'use strict';
/**
 * The logger configurations under test, in the order they run in each round.
 *
 * Each module exports `{ label, family, create(dest) }`. `create` resolves to
 * a BenchLogger for the file path `dest` (also "/dev/null"), at level info:
 *
 *   info(msg, fields?)   one record with a message and optional fields
 *   debug(msg, fields)   a call below the level: must write nothing
 *   error(err)           one record carrying the Error and its stack
 *   child(bindings)      a logger whose records carry `bindings`; has `info`
 *   fatal(msg)           the library's documented way to log and exit at once
 *   end()                resolves once every record is written to `dest`
 *
 * `create(dest, { sampling: true })` turns on the sampling of a logger that
 * has it (prodlog); the others ignore it and write every record.
 *
 * `family` groups configurations of one library: ratios are taken against
 * the fastest pino configuration of each case.
 */
const LOGGERS = Object.freeze([
  'prodlog',
  'pino-async',
  'pino-sync',
  'pino-worker',
  'winston',
  'bunyan',
  'log4js',
  'tslog',
  'limit',
]);

function loadLogger(name) {
  if (!LOGGERS.includes(name)) {
    throw new Error(`logger: "${name}" is not one of ${LOGGERS.join(', ')}`);
  }
  return require(`./${name}`);
}

module.exports = { LOGGERS, loadLogger };
