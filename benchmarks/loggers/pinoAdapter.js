'use strict';
const { libraryPino } = require('../lib/packages');
const { fieldsFirst } = require('./callStyles');

const pino = libraryPino();

/**
 * A BenchLogger over a pino instance writing to `destination`, with pino's
 * default record shape (the shape its users get without configuration).
 * pino's fatal() flushes a main-thread destination synchronously but does not
 * exit; its documentation leaves the exit to the application.
 */
function pinoAdapter(destination, end) {
  return fieldsFirst(pino({ name: 'bench', level: 'info' }, destination), end);
}

/** A pino.destination (sonic-boom) logger config; ended when the destination has closed its file. */
function destinationLogger(label, sync) {
  return {
    label,
    family: 'pino',
    async create(dest) {
      const stream = pino.destination({ dest, sync });
      await once(stream, 'ready');
      return pinoAdapter(stream, () => {
        const closed = once(stream, 'close');
        stream.end();
        return closed;
      });
    },
  };
}

/** Resolves on `event` of `stream`, rejects on its `error`. */
function once(stream, event) {
  return new Promise((resolve, reject) => {
    stream.once(event, resolve);
    stream.once('error', reject);
  });
}

module.exports = { pinoAdapter, destinationLogger, once };
