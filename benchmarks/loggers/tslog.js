'use strict';
const { fieldsFirst } = require('./callStyles');

/** tslog 5 with its own file transport and JSON output (tslog is ESM only, hence the dynamic import). */
module.exports = {
  label: 'tslog',
  family: 'tslog',
  async create(dest) {
    const { Logger } = await import('tslog');
    const { fileTransport } = await import('tslog/transports/file');
    // minLevel 3 is info; "hidden" keeps tslog's own stdout output off so the
    // file transport is the only sink; stack capture off is tslog's advice for
    // hot production paths (no code position per record).
    const logger = new Logger({ type: 'hidden', name: 'bench', minLevel: 3, stack: { capture: 'off' } });
    const transport = fileTransport({ path: dest, format: 'json' });
    logger.attachTransport(transport);
    const end = async () => {
      await logger.flush();
      await transport[Symbol.asyncDispose]();
    };
    return fieldsFirst(logger, end, { childOf: (l, bindings) => l.getSubLogger({ bindings }), moduleOf: (l, name) => l.getSubLogger({ bindings: { module: name } }) });
  },
};
