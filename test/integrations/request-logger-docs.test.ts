import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { fixturePath, REPO } from '../support/paths';
import { parseLines, tempDir } from '../support/run-fixture';

/**
 * The Express example of docs/readiness.md ("Express: errors thrown in
 * handlers"), as written: it must type-check against prodlog's types
 * (`req.log.info(...)` in a TypeScript Express handler) and, compiled, run
 * as a service in a process of its own, with Express's real default
 * behaviour (NODE_ENV production, not jest's "test", which silences
 * Express's print of errors).
 */

const MARKER = '<!-- example: express-request-logging';

function example(): string {
  const doc = readFileSync(join(REPO, 'docs', 'readiness.md'), 'utf8');
  const at = doc.indexOf(MARKER);
  expect(at).toBeGreaterThan(-1);
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  expect(block).not.toBeNull();
  return block![1]!;
}

/** Type-checks `source` as if it were a file of the repository importing the package by name. */
function typeErrors(source: string): string[] {
  const file = join(REPO, 'test', 'integrations', 'docs-example.ts'); // never written: served from memory
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ['node'],
    baseUrl: REPO,
    paths: { prodlog: ['src/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile.call(host, name, language, ...rest));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  // The example's own diagnostics: the library's are `npm run typecheck`'s business, and checking all of it here would take long.
  const own = program.getSourceFile(file);
  return [...program.getSyntacticDiagnostics(own), ...program.getSemanticDiagnostics(own)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

interface Served {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly answers: ReadonlyArray<{ path: string; status: number; body: string }>;
}

/** Runs the compiled example, sends it requests, then SIGTERM: prodlog's shutdown closes the server, flushes and exits. */
async function serve(code: string, requests: ReadonlyArray<{ path: string; headers?: Record<string, string> }>): Promise<Served> {
  const child = fork(fixturePath('docs-example.js'), [code], { cwd: tempDir('docs-example'), env: { ...process.env, NODE_ENV: 'production' }, silent: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': the output may still be on its way through the pipes when the process has exited.
  const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', () => reject(new Error(`the example exited before listening:\n${stderr}`)));
  });
  const answers: Array<{ path: string; status: number; body: string }> = [];
  for (const { path, headers } of requests) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: headers ?? {} });
    answers.push({ path, status: res.status, body: await res.text() });
  }
  child.kill('SIGTERM');
  return { status: await exited, stdout, stderr, answers };
}

/**
 * Express prints an error in a setImmediate after answering, and a SIGTERM
 * that arrives in the same turn may end the process first: so a request
 * always follows the failing one, and the print has happened (or not) by
 * the time it is answered.
 */
const REQUESTS = [
  { path: '/orders/o-1', headers: { 'x-request-id': 'doc-1', 'x-tenant': 'acme' } },
  { path: '/orders/o-0', headers: { 'x-request-id': 'doc-2' } },
  { path: '/healthCheck' },
  { path: '/metrics' },
  { path: '/nowhere' },
];

describe('the Express example of docs/readiness.md', () => {
  const source = example();
  const compile = (text: string): string =>
    ts.transpileModule(text.replace('app.listen(8080)', 'app.listen(0)'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;

  it('type-checks: req.log in an Express handler is prodlog\'s logger', () => {
    expect(source).toContain('req.log.info(');
    expect(typeErrors(source)).toEqual([]);
    // The check is a real one: the same handler with a call prodlog's Logger does not have fails.
    expect(typeErrors(source.replace('req.log.info(', 'req.log.trace('))).toEqual([expect.stringContaining("Property 'trace' does not exist on type 'Logger")]);
  });

  it('runs: the failed request is one record at error with err and its stack, answered 500 without the stack, and nothing is printed to stderr', async () => {
    const run = await serve(compile(source), REQUESTS);
    expect(run.answers.map((a) => a.status)).toEqual([200, 500, 200, 200, 404]);
    expect(run.answers[1]?.body).toBe('Internal Server Error\n');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const records = parseLines(run.stdout);
    const requests = records.filter((r) => r['msg'] === 'request');
    expect(requests.map((r) => [r['path'], r['level'], r['status']])).toEqual([
      ['/orders/o-1', 'info', 200],
      ['/orders/o-0', 'error', 500],
      ['/nowhere', 'warn', 404],
    ]);
    expect(records.find((r) => r['msg'] === 'order looked up')).toMatchObject({ level: 'info', name: 'orders', requestId: 'doc-1', orderId: 'o-1' });
    expect(requests[0]).toMatchObject({ requestId: 'doc-1', route: '/orders/:id', tenant: 'acme' });
    expect(requests[1]).toMatchObject({
      requestId: 'doc-2',
      route: '/orders/:id',
      err: { type: 'Error', message: 'order store unreachable', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) },
    });
    expect(String((requests[1]?.['err'] as { stack?: unknown }).stack)).toMatch(/^Error: order store unreachable\n {4}at /);
    expect(records.filter((r) => r['level'] === 'error')).toHaveLength(1);
  });

  it('without respond: the application would answer; with no handler of its own, Express does, and prints the error to stderr as well', async () => {
    const withoutRespond = source.replace('errorLogger(log, { respond: true })', 'errorLogger(log)');
    expect(withoutRespond).not.toBe(source);
    const run = await serve(compile(withoutRespond), REQUESTS.slice(0, 3));
    expect(run.answers.map((a) => a.status)).toEqual([200, 500, 200]);
    expect(run.stderr).toContain('Error: order store unreachable\n    at ');
    const failed = parseLines(run.stdout).find((r) => r['path'] === '/orders/o-0');
    expect(failed).toMatchObject({ level: 'error', err: { message: 'order store unreachable' } });
  });
});
