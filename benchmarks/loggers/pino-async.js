'use strict';
const { destinationLogger } = require('./pinoAdapter');

/** pino.destination with sync: false: sonic-boom writing asynchronously on the main thread. */
module.exports = destinationLogger('pino async dest', false);
