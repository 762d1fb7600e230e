import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/paths';
import { readmeBlock, runReadmeExample } from '../support/readme';
import { parseLines, tempDir } from '../support/run-fixture';

/** What the README's examples read as prodlog.config.json: records to stdout as JSON lines. */
const CONFIG = { 'prodlog.config.json': JSON.stringify({ name: 'checkout', transports: [{ type: 'console', pretty: false }] }) };
/** NestJS projects compile with these (its CLI's tsconfig). */
const DECORATORS = { experimentalDecorators: true, emitDecoratorMetadata: true };

/** The record without its head (level kept). */
function body(record: Record<string, unknown> | undefined): Record<string, unknown> {
  const { time, pid, hostname, name, ...rest } = record ?? {};
  void [time, pid, hostname, name];
  return rest;
}

/**
 * Type-checks a README block as a user's strict TypeScript project would,
 * against the built package and the project's node_modules.
 */
function typecheck(name: string, decorators = false): string {
  const dir = tempDir(`readme-types-${name}`);
  writeFileSync(join(dir, 'example.ts'), readmeBlock(name));
  const modules = join(REPO, 'node_modules');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, skipLibCheck: true,
        types: ['node'], typeRoots: [join(modules, '@types')], baseUrl: '.', paths: { prodlog: [REPO], '*': [join(modules, '*')] },
        ...(decorators ? DECORATORS : {}),
      },
      files: ['example.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

/** After the block: one request to the server it started, then everything closed, so the process ends on its own. */
function requestThenClose(server: string, close: string): string {
  return `
${server}.once('listening', async () => {
  const { port } = ${server}.address();
  const res = await fetch('http://localhost:' + port + '/orders/7', { headers: { authorization: 'Bearer secret' } });
  if (res.status !== 200) throw new Error('status ' + res.status);
  ${close}
  await log.close();
});`;
}

describe('README, "Fastify, pino-http, NestJS": the examples run as written', () => {
  it('Fastify: loggerInstance: asPino(log)', () => {
    expect(typecheck('fastify')).toBe('');
    const run = runReadmeExample('fastify', { files: CONFIG, env: { PORT: '0' }, epilogue: requestThenClose('app.server', 'await app.close();') });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const records = parseLines(run.stdout).map(body);
    expect(records).toEqual(expect.arrayContaining([
      { level: 'info', reqId: 'req-1', req: expect.objectContaining({ method: 'GET', url: '/orders/7' }), msg: 'incoming request' },
      { level: 'info', reqId: 'req-1', orderId: '7', msg: 'order read' },
      { level: 'info', reqId: 'req-1', res: { statusCode: 200 }, responseTime: expect.any(Number), msg: 'request completed' },
    ]));
  });

  it('pino-http: logger: asPino(log)', () => {
    expect(typecheck('pino-http')).toBe('');
    const run = runReadmeExample('pino-http', { files: CONFIG, env: { PORT: '0' }, epilogue: requestThenClose('server', 'server.close();') });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [read, completed] = parseLines(run.stdout).map(body);
    expect(read).toMatchObject({ level: 'info', req: { method: 'GET', url: '/orders/7', headers: expect.objectContaining({ authorization: '[Redacted]' }) }, orderId: '7', msg: 'order read' });
    expect(completed).toMatchObject({ level: 'info', req: { url: '/orders/7' }, res: { statusCode: 200 }, responseTime: expect.any(Number), msg: 'request completed' });
  });

  it('NestJS: app.useLogger(nestLogger(log)) with bufferLogs', () => {
    expect(typecheck('nest', true)).toBe('');
    const run = runReadmeExample('nest', { files: CONFIG, compilerOptions: DECORATORS });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(parseLines(run.stdout).map(body)).toEqual([
      { level: 'info', context: 'NestFactory', msg: 'Starting Nest application...' },
      { level: 'info', context: 'InstanceLoader', msg: 'AppModule dependencies initialized' },
      { level: 'info', context: 'OrdersService', shards: 4, msg: 'orders ready' },
    ]);
  });
});
