// Jest setup file. Tests load prodlog's TypeScript source, where the worker
// entry files (compressWorker.js, deliveryWorker.js) do not exist: a worker
// thread runs plain JavaScript from disk, not ts-jest's transform. Point
// prodlog at the compiled files instead (`npm test` and `npm run test:unit`
// build dist/ first); see transports/shared/workerFile.ts.
const { join } = require('node:path');

const dist = join(__dirname, '..', '..', 'dist', 'transports');

globalThis.__prodlogWorkerFiles = {
  compress: join(dist, 'file', 'compressWorker.js'),
  delivery: join(dist, 'deliveryWorker.js'),
};
