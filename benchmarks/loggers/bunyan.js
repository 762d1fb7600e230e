'use strict';
const bunyan = require('bunyan');
const { fieldsFirst } = require('./callStyles');

/** bunyan with a file stream (bunyan opens an fs.WriteStream for `path`). */
module.exports = {
  label: 'bunyan',
  family: 'bunyan',
  async create(dest) {
    const logger = bunyan.createLogger({ name: 'bench', level: 'info', streams: [{ level: 'info', path: dest }] });
    const stream = logger.streams[0].stream;
    const end = () =>
      new Promise((resolve, reject) => {
        stream.once('finish', resolve);
        stream.once('error', reject);
        stream.end();
      });
    return fieldsFirst(logger, end);
  },
};
