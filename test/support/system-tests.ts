/**
 * jest.config.js sorts the tests into three projects: `unit` (what `npm run
 * test:unit` runs), `system` (files named *.system.test.ts) and `reliability`
 * (test/reliability/). A unit test needs neither root nor a real receiver.
 * The unit project's setup file (unit-project.js) sets PRODLOG_TEST_PROJECT
 * to "unit", and every harness here that needs root or a real receiver calls
 * needsSystemTest() before it starts: a test filed as a unit test that would
 * need one fails at once, under `npm test` too, naming what to rename.
 */
const TEST_PROJECT_ENV = 'PRODLOG_TEST_PROJECT';

export function needsSystemTest(what: string): void {
  if (process.env[TEST_PROJECT_ENV] !== 'unit') return;
  throw new Error(`${what} in a unit test: unit tests run without root and without real receivers. Name the test file *.system.test.ts (see jest.config.js).`);
}
