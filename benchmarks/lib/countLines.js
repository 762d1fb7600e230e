'use strict';
const { closeSync, openSync, readSync } = require('node:fs');

const NEWLINE = 0x0a;

/**
 * Counts the complete lines of a file and tells whether it ends mid-line (a
 * torn last record). Read in 1 MiB blocks so a 300 MB log needs no 300 MB of memory.
 */
function countLines(path) {
  const fd = openSync(path, 'r');
  const block = Buffer.allocUnsafe(1024 * 1024);
  let lines = 0;
  let last = NEWLINE;
  try {
    for (let read = readSync(fd, block); read > 0; read = readSync(fd, block)) {
      for (let i = 0; i < read; i++) if (block[i] === NEWLINE) lines++;
      last = block[read - 1];
    }
  } finally {
    closeSync(fd);
  }
  return { lines, torn: last !== NEWLINE };
}

module.exports = { countLines };
