'use strict';
/**
 * The loggers compared, each set up to rotate at 1 MB (gzip where the logger
 * can) and each with a `finish()` that resolves when its last byte is on disk
 * by that logger's own documented means. Every one logs the same object record.
 */
const { join } = require('node:path');
const { libraryPino } = require('../lib/packages');

const { OBJECT_FIELDS: FIELDS, OBJECT_MESSAGE: MESSAGE } = require('../cases/records');
const ROTATE_SIZE = '1M';

function prodlog(dir, rotate) {
  const { createLogger } = require('../..');
  const log = createLogger({ name: 'bench', capture: false, transports: [{ type: 'file', path: join(dir, 'app.log'), ...(rotate ? { rotate } : {}) }] });
  return {
    log: (i) => log.info(MESSAGE, { i, ...FIELDS }),
    finish: () => log.close(),
  };
}

function pinoOver(destination) {
  const pino = libraryPino();
  return pino({ base: { pid: process.pid, hostname: 'bench' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

function endStream(stream, event) {
  return new Promise((resolve, reject) => {
    stream.once(event, resolve);
    stream.once('error', reject);
    stream.end();
  });
}

const LOGGERS = {
  /** prodlog's plain file transport: the baseline rotation must stay close to. */
  'prodlog file': (dir) => prodlog(dir, undefined),
  'prodlog rotate 1M gzip': (dir) => prodlog(dir, { size: ROTATE_SIZE, compress: 'gzip' }),
  /** pino-roll has no compression: it rotates only. */
  'pino-roll 1m': (dir) => {
    // pino resolves 'pino-roll' from this file: benchmarks/node_modules.
    const transport = libraryPino().transport({ target: 'pino-roll', options: { file: join(dir, 'app'), size: '1m', mkdir: true } });
    const log = pinoOver(transport);
    return { log: (i) => log.info({ i, ...FIELDS }, MESSAGE), finish: () => endStream(transport, 'close') };
  },
  'winston-daily-rotate-file 1m gzip': (dir) => {
    const winston = require('winston');
    const DailyRotateFile = require('winston-daily-rotate-file');
    const transport = new DailyRotateFile({ dirname: dir, filename: 'app-%DATE%.log', datePattern: 'YYYY-MM-DD', maxSize: '1m', zippedArchive: true, auditFile: join(dir, 'audit.json') });
    const log = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.json()), transports: [transport] });
    return {
      log: (i) => log.info(MESSAGE, { i, ...FIELDS }),
      finish: () => new Promise((resolve) => {
        transport.once('finish', resolve);
        log.end();
      }),
    };
  },
  'pino + rotating-file-stream 1M gzip': (dir) => {
    const { createStream } = require('rotating-file-stream');
    const stream = createStream('app.log', { path: dir, size: ROTATE_SIZE, compress: 'gzip' });
    const log = pinoOver(stream);
    return { log: (i) => log.info({ i, ...FIELDS }, MESSAGE), finish: () => endStream(stream, 'finish') };
  },
};

module.exports = { LOGGERS };
