'use strict';
const winston = require('winston');
const { exitAfter, messageFirst } = require('./callStyles');

/** winston with its File transport and the JSON format most services configure. */
module.exports = {
  label: 'winston',
  family: 'winston',
  async create(dest) {
    const file = new winston.transports.File({ filename: dest });
    const logger = winston.createLogger({
      level: 'info',
      defaultMeta: { name: 'bench' },
      format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.timestamp(), winston.format.json()),
      transports: [file],
    });
    // The documented way to wait until every record is written is to end the
    // logger and await its 'finish'. But winston 3.19 crashes with "write
    // after end" when it is ended while records still queue in front of a
    // File transport under backpressure, so the queues are drained first.
    const end = async () => {
      while (logger.writableLength > 0 || logger.readableLength > 0 || file.writableLength > 0) {
        await new Promise(setImmediate);
      }
      await new Promise((resolve) => {
        logger.once('finish', resolve);
        logger.end();
      });
    };
    // winston has no fatal level and no flush before exit.
    return messageFirst(logger, end, { fatal: exitAfter('error') });
  },
};
