// Setup file of the unit project (jest.config.js): marks the test file's
// environment, so that the harnesses for real receivers and for root refuse
// to start in it (see system-tests.ts).
process.env.PRODLOG_TEST_PROJECT = 'unit';
