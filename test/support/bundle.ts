import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build, type Message } from 'esbuild';
import { WORKER_FILE_NAMES, type WorkerName } from '../../transports/shared/workerFile';

const REPO = join(__dirname, '..', '..');

/**
 * The entry point of each worker as an application names it (the package's
 * exports), and the built file that resolves to, which must exist.
 */
export const WORKER_ENTRIES: Readonly<Record<WorkerName, { readonly specifier: string; readonly builtFile: string }>> = {
  compress: { specifier: 'prodlog/workers/compress', builtFile: join(REPO, 'dist', 'transports', 'file', 'compressWorker.js') },
  delivery: { specifier: 'prodlog/workers/delivery', builtFile: join(REPO, 'dist', 'transports', 'deliveryWorker.js') },
};

export interface BundleResult {
  /** The bundled application, `<outdir>/app.js`. */
  readonly app: string;
  /** Every file written, by name (`app.js`, `compressWorker.js`, ...). */
  readonly files: readonly string[];
  /** esbuild's warnings; errors reject. */
  readonly warnings: readonly Message[];
}

/**
 * Bundles `entry` (a file inside this repository that requires 'prodlog')
 * the way docs/bundling.md says: everything it uses, pino and the rest of
 * node_modules included, in one CommonJS file `<outdir>/app.js` for Node 20,
 * and each worker named in `workers` as an entry point of its own, written
 * beside it as `compressWorker.js` / `deliveryWorker.js`.
 *
 * It bundles the built package (run `npm run build` first). 'prodlog' and
 * 'prodlog/workers/*' resolve as from an application's node_modules:
 * through package.json "exports", here by self-reference, since the working
 * folder and the fixtures are inside the package named prodlog.
 */
export async function bundleApp(entry: string, outdir: string, workers: readonly WorkerName[]): Promise<BundleResult> {
  const entryPoints: Record<string, string> = { app: entry };
  for (const name of workers) {
    const { specifier, builtFile } = WORKER_ENTRIES[name];
    if (!existsSync(builtFile)) throw new Error(`${builtFile} does not exist: run npm run build first`);
    entryPoints[WORKER_FILE_NAMES[name].replace(/\.js$/, '')] = specifier;
  }
  const result = await build({
    absWorkingDir: REPO,
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'silent',
  });
  const files = Object.keys(result.metafile.outputs).map((path) => basename(path));
  return { app: join(outdir, 'app.js'), files, warnings: result.warnings };
}
