'use strict';
// The repository's build (npm run build).
const { createLogger } = require('../..');
const { messageFirst } = require('./callStyles');

module.exports = {
  label: 'prodlog',
  family: 'prodlog',
  async create(dest, { sampling = false } = {}) {
    // BENCH_FORMAT (node benchmarks/formats.js): the file in another line format than prodlog's own.
    const format = process.env.BENCH_FORMAT ? { format: process.env.BENCH_FORMAT } : {};
    // Sampling with its defaults but one interval of an hour, so a run is one interval and its line count is known (lib/plan.js).
    const log = createLogger({ name: 'bench', level: 'info', transports: [{ type: 'file', path: dest, ...format }], sampling: sampling ? { interval: '1h' } : false });
    // fatal() makes every record durable and exits by itself.
    return messageFirst(log, () => log.close(), { fatal: (l, msg) => l.fatal(msg), moduleOf: (l, name) => l.module(name) });
  },
};
