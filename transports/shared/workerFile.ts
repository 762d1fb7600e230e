import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/config/ConfigError';

/** prodlog's worker threads, each loaded from a real JavaScript file. */
export type WorkerName = 'delivery' | 'compress';

/** The file name of each worker's entry point, in the package and beside a bundle. */
export const WORKER_FILE_NAMES: Readonly<Record<WorkerName, string>> = {
  delivery: 'deliveryWorker.js',
  compress: 'compressWorker.js',
};

declare global {
  /**
   * Absolute paths of worker entry files, for layouts where neither the
   * package's own files nor files beside the bundle are there (a test runner
   * that loads TypeScript source, a bundle whose workers live elsewhere).
   */
  var __prodlogWorkerFiles: Partial<Record<WorkerName, string>> | undefined;
}

/**
 * Where the entry file of a worker is: an override in
 * `globalThis.__prodlogWorkerFiles`, else the compiled file in the package
 * (`packageDir` is the folder it is in), else a file of the same name beside
 * the running bundle (a bundler gives every bundled module the bundle's own
 * folder as `__dirname`). None of them there is a startup error that says
 * how to bundle the worker, never a crash when the first record is shipped.
 */
export function resolveWorkerFile(name: WorkerName, packageDir: string, bundleDir: string = __dirname): string {
  const fileName = WORKER_FILE_NAMES[name];
  const override = globalThis.__prodlogWorkerFiles?.[name];
  // In a bundle both folders are the bundle's: each path is looked at and named once.
  const candidates = [...new Set([...(override ? [override] : []), join(packageDir, fileName), join(bundleDir, fileName)])];
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new ConfigError('worker', [
    `the ${name} worker file ${fileName} was not found (looked at ${candidates.join(', ')}). ` +
      `A bundled application must bundle it beside itself: add the entry point "prodlog/workers/${name}" ` +
      `with the output name "${fileName.replace(/\.js$/, '')}" (see docs/bundling.md).`,
  ]);
}
