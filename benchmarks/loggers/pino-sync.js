'use strict';
const { destinationLogger } = require('./pinoAdapter');

/** pino.destination with sync: true (pino's default for a destination): one write(2) per record. */
module.exports = destinationLogger('pino sync dest', true);
