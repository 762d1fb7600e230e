'use strict';
const { closeSync, openSync, writeSync } = require('node:fs');
const { hostname } = require('node:os');

/** Lines are joined into chunks of this many characters before one writeSync. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The physical-limit proxy: no logger at all, only what any JSON logger must
 * do at least. It builds the same record prodlog writes, JSON.stringify's it
 * and writes the lines in 64 KB chunks with fs.writeSync. A logger cannot be
 * much faster than this without a faster serialiser or fewer bytes.
 */
module.exports = {
  label: 'physical-limit proxy',
  family: 'limit',
  async create(dest) {
    const fd = openSync(dest, 'a');
    const sink = { pending: '' };
    const base = { pid: process.pid, hostname: hostname(), name: 'bench' };
    const write = (record) => {
      sink.pending += `${JSON.stringify(record)}\n`;
      if (sink.pending.length >= CHUNK_CHARS) writeOut();
    };
    const writeOut = () => {
      if (sink.pending.length > 0) writeSync(fd, sink.pending);
      sink.pending = '';
    };
    const end = async () => {
      writeOut();
      closeSync(fd);
    };
    return proxy(write, base, end, writeOut);
  },
};

function proxy(write, bindings, end, writeOut) {
  const record = (level, fields, msg) => ({ level, time: new Date().toISOString(), ...bindings, ...fields, msg });
  return {
    info: (msg, fields) => write(record('info', fields, msg)),
    debug: () => {}, // a disabled call does nothing at all
    error: (err) => write(record('error', { err: { type: err.name, message: err.message, stack: err.stack } }, err.message)),
    child: (childBindings) => proxy(write, { ...bindings, ...childBindings }, end, writeOut),
    fatal: (msg) => {
      write(record('fatal', undefined, msg));
      writeOut();
      process.exit(1);
    },
    end,
  };
}
