import { join } from 'node:path';
import ts from 'typescript';
import { readmeBlock, runReadmeExample } from '../support/readme';
import { parseLines, readRecords } from '../support/run-fixture';

/** README, "Adopt it": main.ts, the module orders.ts beside it, and prodlog.config.json, run as a user would. */
function runAdopt(epilogue = ''): ReturnType<typeof runReadmeExample> {
  const orders = ts.transpileModule(readmeBlock('adopt-orders'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  return runReadmeExample('adopt', {
    files: { 'orders.js': orders, 'prodlog.config.json': readmeBlock('adopt-config') },
    env: { LOG_LEVEL: '', PRODLOG_CONFIG: '' },
    epilogue,
  });
}

describe('README, Adopt it', () => {
  it('the logger created once in main.ts takes the file\'s transports, and the module\'s getLogger() writes through it', () => {
    const run = runAdopt();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const file = readRecords(join(run.dir, 'logs', 'checkout.log'));
    expect(parseLines(run.stdout)).toEqual(file); // the console and the file of the config, the same records
    expect(file).toEqual([
      expect.objectContaining({
        name: 'checkout',
        msg: 'startup',
        config: { file: join(run.dir, 'prodlog.config.json'), sources: { level: 'file', name: 'options', startup: 'options', transports: 'file' } },
      }),
      expect.objectContaining({ name: 'checkout', msg: 'listening', port: 8080 }),
      expect.objectContaining({ requestId: 'r-1', msg: 'request', path: '/orders' }),
      expect.objectContaining({ module: 'orders', msg: 'order placed', orderId: 'o-1', total: 0 }),
      expect.objectContaining({ level: 'error', module: 'orders', orderId: 'o-1', msg: 'empty order', err: expect.objectContaining({ type: 'Error', fingerprint: expect.any(String) }) }),
    ]);
  });

  it('a second createLogger() in another module shares the rotating file instead of failing', () => {
    const run = runAdopt(`const again = createLogger({ name: 'payments' }); again.info('from the second logger');`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readRecords(join(run.dir, 'logs', 'checkout.log')).at(-1)).toMatchObject({ name: 'payments', msg: 'from the second logger' });
  });
});
