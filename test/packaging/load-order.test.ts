import { join } from 'node:path';
import { runFixture, tempDir } from '../support/run-fixture';

/**
 * What `require('prodlog')` and createLogger load (their time is measured by
 * `node benchmarks/startup.js`, not here): the schemas and zod when a
 * configuration is checked, pino-pretty only for pretty output.
 */
function loadedModules(...args: string[]): { afterRequire: string[]; afterCreate: string[]; afterAdapters: string[] } {
  const run = runFixture('loaded-modules.js', [join(tempDir('load-order'), 'app.log'), ...args]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { afterRequire: string[]; afterCreate: string[]; afterAdapters: string[] };
}

describe('load order', () => {
  it('require loads neither zod nor a schema nor pino-pretty nor any transport', () => {
    const { afterRequire } = loadedModules();
    expect(afterRequire).toContain('src/index.js');
    expect(afterRequire).not.toContain('zod');
    expect(afterRequire).not.toContain('pino-pretty');
    expect(afterRequire.filter((m) => m.startsWith('transports/') || /schema/i.test(m))).toEqual([]);
  });

  it('createLogger loads zod to check the configuration, and pino-pretty only when a console is pretty', () => {
    const json = loadedModules();
    expect(json.afterCreate).toEqual(expect.arrayContaining(['zod', 'src/config/schema.js', 'transports/file/FileTransport.js']));
    expect(json.afterCreate).not.toContain('pino-pretty');
    expect(json.afterCreate).not.toContain('transports/console/ConsoleTransport.js');
    // The shippers' schemas are part of the configuration's; their spool and delivery load only for a shipper.
    expect(json.afterCreate).not.toContain('transports/shipping/ShippingTransport.js');
    const pretty = loadedModules('pretty');
    expect(pretty.afterCreate).toEqual(expect.arrayContaining(['pino-pretty', 'transports/console/ConsoleTransport.js']));
  });

  it('asPino and nestLogger load no library they adapt to: Nest, Fastify and pino-http are the application\'s', () => {
    const { afterAdapters } = loadedModules();
    expect(afterAdapters).toContain('src/integrations/nest/nestLogger.js');
    expect(afterAdapters.filter((m) => /^(@nestjs\/|fastify|pino-http|reflect-metadata|rxjs)/.test(m))).toEqual([]);
  });
});
