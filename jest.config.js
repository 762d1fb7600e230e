/**
 * The tests mirror the code (README.md, "Layout") and fall in three projects,
 * told apart by their path:
 *
 * - system: files named *.system.test.ts, beside the other tests of their
 *   component. They start a real rsyslog, syslog-ng or ClickHouse (installed
 *   by scripts/install-receivers.sh), or need root: a tmpfs mount, a PID
 *   namespace.
 * - reliability: test/reliability/, the fault-injection suites whose figures
 *   `npm run reliability` publishes in docs/RELIABILITY.md.
 * - unit: all the others, which need neither root nor a real receiver.
 *
 * `npm test` runs all three, `npm run test:unit` the unit project alone
 * (test/support/jest-unit.config.js). The unit project marks its environment
 * (test/support/unit-project.js) and the receiver and tmpfs harnesses refuse
 * to start there (test/support/system-tests.ts): a test that needs them but
 * is not named as a system test fails instead of slipping into test:unit.
 */
const SYSTEM = '\\.system\\.test\\.ts$';
const RELIABILITY = '<rootDir>/test/reliability';

/** @type {import('jest').Config} */
const shared = {
  rootDir: __dirname,
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Worker threads run the compiled files in dist/ (built first by both npm scripts), not TypeScript source.
  setupFiles: ['<rootDir>/test/support/worker-files.js'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  // Child-process and real-receiver tests need more than the 5 s default.
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testPathIgnorePatterns: ['/node_modules/', SYSTEM, `${RELIABILITY}/`],
      setupFiles: [...shared.setupFiles, '<rootDir>/test/support/unit-project.js'],
    },
    { ...shared, displayName: 'system', testMatch: ['**/*.system.test.ts'], testPathIgnorePatterns: ['/node_modules/', `${RELIABILITY}/`] },
    { ...shared, displayName: 'reliability', roots: [RELIABILITY] },
  ],
};
