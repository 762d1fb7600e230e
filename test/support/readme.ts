import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO } from './paths';
import { tempDir, type FixtureRun } from './run-fixture';

const README = join(REPO, 'README.md');

/**
 * The code of the README's fenced block that follows the line
 * `<!-- example: name -->`, exactly as a user would copy it.
 */
export function readmeBlock(name: string): string {
  const text = readFileSync(README, 'utf8');
  const marker = `<!-- example: ${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no "${marker}"`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(at + marker.length));
  if (block === null || block[1] === undefined) throw new Error(`README.md has no code block after "${marker}"`);
  return block[1];
}

export interface ReadmeRunOptions {
  /** Files to put beside the example (e.g. prodlog.config.json), by name. */
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Code run after the block, in the same module (e.g. a request against the server it started). */
  readonly epilogue?: string;
  /** Kills the process after this long; default 30 s (a bound for a stuck test, not a timing claim). */
  readonly timeoutMs?: number;
  /** More TypeScript options, as the user's project would set them (e.g. NestJS's experimentalDecorators). */
  readonly compilerOptions?: ts.CompilerOptions;
}

/**
 * Runs a README block as a user would: TypeScript transpiled to CommonJS,
 * in a fresh folder of its own that resolves `prodlog` to this package (the
 * built dist) and every other import to the project's node_modules.
 */
export function runReadmeExample(name: string, options: ReadmeRunOptions = {}): FixtureRun & { readonly dir: string } {
  const dir = tempDir(`readme-${name}`);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'prodlog'), 'dir');
  for (const [file, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, file), content);
  const source = `${readmeBlock(name)}\n${options.epilogue ?? ''}`;
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, ...options.compilerOptions },
  }).outputText;
  writeFileSync(join(dir, 'example.js'), js);
  const result = spawnSync(process.execPath, ['example.js'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: join(REPO, 'node_modules'), ...options.env },
    timeout: options.timeoutMs ?? 30_000,
  });
  return { dir, status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
