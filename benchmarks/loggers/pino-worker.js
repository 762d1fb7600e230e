'use strict';
const { libraryPino } = require('../lib/packages');
const { pinoAdapter, once } = require('./pinoAdapter');

const pino = libraryPino();

/** pino.transport with its own pino/file target: serialise on the main thread, write in a worker thread. */
module.exports = {
  label: 'pino worker transport',
  family: 'pino',
  async create(dest) {
    const transport = pino.transport({ target: 'pino/file', options: { destination: dest } });
    // Starting the worker is a one-off cost of the process, not of a record.
    await once(transport, 'ready');
    // thread-stream's end() blocks until the worker has closed its file, then
    // emits 'finish'; 'close' follows the worker's exit, which is unref'd and
    // so may never be awaited.
    return pinoAdapter(transport, () => {
      const finished = once(transport, 'finish');
      transport.end();
      return finished;
    });
  },
};
