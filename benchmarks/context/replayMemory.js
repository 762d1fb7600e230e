'use strict';
/**
 * replayOnError's memory with many open contexts: `node --expose-gc
 * benchmarks/context/replayMemory.js [contexts] [recordsPerContext] [maxRecords]`.
 * Opens `contexts` requests at once (withContext), each logging
 * `recordsPerContext` debug records (held: the level is info), keeps them all
 * open, then measures the heap; then ends them without an error and measures
 * again. Prints one JSON line. Defaults: 10,000 contexts, 20 records, maxRecords 1,000.
 */
const { createLogger, withContext } = require('../..');

const [contexts = 10_000, perContext = 20, maxRecords = 1_000] = process.argv.slice(2).map(Number);
if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');

function heapMb() {
  global.gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main() {
  const log = createLogger({
    name: 'replay-memory',
    level: 'info',
    replayOnError: { level: 'debug', maxRecords },
    capture: false,
    shutdown: false,
    transports: [{ type: 'file', path: '/dev/null' }],
  });
  const base = heapMb();
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const open = [];
  for (let c = 0; c < contexts; c++) {
    open.push(
      withContext({ requestId: `req-${c}` }, async () => {
        for (let i = 0; i < perContext; i++) log.debug('cache lookup', { key: `user:${c}:${i}`, hit: i % 2 === 0, ms: i });
        await gate; // the request is still open
      }),
    );
  }
  const whileOpen = heapMb();
  release();
  await Promise.all(open);
  open.length = 0;
  const afterEnd = heapMb();
  const held = Math.min(perContext, maxRecords);
  console.log(JSON.stringify({
    contexts,
    recordsPerContext: perContext,
    maxRecords,
    heldRecords: contexts * held,
    heapMbBefore: +base.toFixed(1),
    heapMbOpen: +whileOpen.toFixed(1),
    bytesPerHeldRecord: Math.round(((whileOpen - base) * 1024 * 1024) / (contexts * held)),
    heapMbAfterEnd: +afterEnd.toFixed(1),
    replayDropped: log.health().replayDropped,
  }));
  await log.close();
}

main();
