'use strict';

/**
 * The two calling conventions of the loggers under test, as BenchLoggers
 * (see index.js). `childOf(log, bindings)` makes a child logger; `fatal(log,
 * msg)` is the library's documented way to log and exit at once. The two
 * wrappers are written out rather than built from one with an argument-order
 * function: the call is on the measured path, and a spread of a fresh array
 * per record would add the same cost to every logger and blur the ratios.
 */

function exitAfter(level) {
  return (log, msg) => {
    log[level](msg); // these libraries do not exit on their own
    process.exit(1);
  };
}

/** A logger for one module: what users of a logger without modules write, a child bound with the name. */
const DEFAULTS = { childOf: (log, bindings) => log.child(bindings), moduleOf: (log, name) => log.child({ module: name }), fatal: exitAfter('fatal') };

/** Loggers called as `info(fields, msg)`: pino, bunyan, tslog. */
function fieldsFirst(log, end, options = {}) {
  const { childOf, moduleOf, fatal } = { ...DEFAULTS, ...options };
  const wrap = (l) => ({
    info: (msg, fields) => (fields === undefined ? l.info(msg) : l.info(fields, msg)),
    debug: (msg, fields) => l.debug(fields, msg),
    error: (err) => l.error(err),
    child: (bindings) => wrap(childOf(l, bindings)),
    module: (name) => wrap(moduleOf(l, name)),
    fatal: (msg) => fatal(l, msg),
    end,
  });
  return wrap(log);
}

/** Loggers called as `info(msg, fields)`: prodlog, winston, log4js. */
function messageFirst(log, end, options = {}) {
  const { childOf, moduleOf, fatal } = { ...DEFAULTS, ...options };
  const wrap = (l) => ({
    info: (msg, fields) => l.info(msg, fields),
    debug: (msg, fields) => l.debug(msg, fields),
    error: (err) => l.error(err),
    child: (bindings) => wrap(childOf(l, bindings)),
    module: (name) => wrap(moduleOf(l, name)),
    fatal: (msg) => fatal(l, msg),
    end,
  });
  return wrap(log);
}

module.exports = { fieldsFirst, messageFirst, exitAfter };
