import { join } from 'node:path';
import { importCycles, importGraph, layerViolations, moduleSpecifiers, readSources, type Layer } from '../support/import-graph';

/**
 * The layers of src/ and transports/ and the imports each may make: imports
 * point down only (docs/design.md, "Layers"). The first layer whose files
 * match a path is its layer. A module may always import the modules of its
 * own layer; a transport folder (`transports/*`) is a unit of its own, so
 * transports reach each other only through transports/shared and the
 * shipping core. `name:index` admits only that layer's index.ts modules.
 */
const LAYERS: readonly Layer[] = [
  // The logger: levels, the record contract, the Transport interface, Fanout,
  // the sanitiser, the logger classes, config primitives. Imports nothing else.
  { name: 'core', files: ['src/core/'], mayImport: [] },
  { name: 'transports/shared', files: ['transports/shared/'], mayImport: ['core'] },
  { name: 'transports/shipping', files: ['transports/shipping/'], mayImport: ['core', 'transports/shared'] },
  { name: 'transport', files: ['transports/*/'], mayImport: ['core', 'transports/shared', 'transports/shipping'] },
  // The delivery worker's own composition: the sink kinds it can build.
  { name: 'delivery worker', files: ['transports/deliveryWorker.ts', 'transports/deliveryKits.ts'], mayImport: ['core', 'transports/shared', 'transports/shipping', 'transport'] },
  // Request logging, health and metrics endpoints, shutdown, warnings, watchdog, trace mixin, tasks.
  { name: 'integrations', files: ['src/integrations/'], mayImport: ['core'] },
  // The command line reads the spool through the shipping core's read-only API.
  { name: 'cli', files: ['src/cli/'], mayImport: ['core', 'composition root', 'transport:index', 'transports/shipping:index'] },
  { name: 'testing', files: ['src/testing/'], mayImport: ['core', 'composition root'] },
  // createLogger, the config schema and loading, the transport registry, the public entry point.
  { name: 'composition root', files: ['src/'], mayImport: ['core', 'integrations', 'transport:index'] },
];

const ROOT = join(__dirname, '..', '..');

describe('layers', () => {
  const graph = importGraph(readSources(ROOT, ['src', 'transports']));

  it('reads every form of import: import type, export from, require, dynamic import, import types', () => {
    const text = [
      "import type { A } from './a';",
      "import './b';",
      "export { C } from '../c';",
      "export * from './d';",
      "import e = require('./e');",
      "const f = require('./f');",
      "void import('./g');",
      "type H = import('./h').H;",
      "const computed = require(name);",
      "import { z } from 'zod';",
    ].join('\n');
    expect(moduleSpecifiers('x.ts', text)).toEqual(['./a', './b', '../c', './d', './e', './f', './g', './h', 'zod']);
  });

  it('has every module of src/ and transports/ in a layer, importing only what its layer may', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(layerViolations(graph, LAYERS)).toEqual([]);
  });

  it('has no import cycle, between layers or within one', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('fails on a wrong import and on a cycle: the same checks on a small tree that has them', () => {
    const tree = new Map([
      ['src/core/levels.ts', "export const LEVELS = {};"],
      // core reaching up into a transport, and a cycle of two core modules
      ['src/core/Fanout.ts', "import type { FileTransport } from '../../transports/file/FileTransport';\nimport { LEVELS } from './levels';\nimport { x } from './fatalDelivery';"],
      ['src/core/fatalDelivery.ts', "export { Fanout } from './Fanout';"],
      ['transports/file/FileTransport.ts', "import { LEVELS } from '../../src/core/levels';"],
      ['transports/file/index.ts', "export * from './FileTransport';"],
      // one transport importing another
      ['transports/http/index.ts', "const f = require('../file/FileTransport');"],
      ['transports/shipping/index.ts', "export * from './SpoolReader';"],
      ['transports/shipping/SpoolReader.ts', "export class SpoolReader {}"],
      // the CLI past the shipping core's read-only API, and the integrations up into the composition root
      ['src/cli/spoolCommand.ts', "import { SpoolReader } from '../../transports/shipping/SpoolReader';\nimport { inspectSpool } from '../../transports/shipping';"],
      ['src/integrations/health.ts', "void import('../createLogger');"],
      ['src/createLogger.ts', "import { fileTransport } from '../transports/file';\nimport { missing } from './nowhere';"],
    ]);
    const small = importGraph(tree);
    expect(layerViolations(small, LAYERS)).toEqual([
      'src/cli/spoolCommand.ts -> transports/shipping/SpoolReader.ts: cli may import transports/shipping only through transports/shipping/index.ts',
      'src/core/Fanout.ts -> transports/file/FileTransport.ts: core may not import transports/file',
      'src/createLogger.ts -> src/nowhere (unresolved): not a module of the package',
      'src/integrations/health.ts -> src/createLogger.ts: integrations may not import composition root',
      'transports/http/index.ts -> transports/file/FileTransport.ts: transports/http may not import transports/file',
    ]);
    expect(importCycles(small)).toEqual(['src/core/Fanout.ts -> src/core/fatalDelivery.ts -> src/core/Fanout.ts']);
  });
});
