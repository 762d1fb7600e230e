'use strict';
// The repository's build (npm run build).
const { createLogger } = require('../..');
const { messageFirst } = require('./callStyles');

module.exports = {
  label: 'prodlog',
  family: 'prodlog',
  async create(dest) {
    const log = createLogger({ name: 'bench', level: 'info', transports: [{ type: 'file', path: dest }] });
    // fatal() makes every record durable and exits by itself.
    return messageFirst(log, () => log.close(), { fatal: (l, msg) => l.fatal(msg), moduleOf: (l, name) => l.module(name) });
  },
};
