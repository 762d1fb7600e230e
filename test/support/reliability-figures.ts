import { appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where `npm run reliability` collects figures; unset in a plain `npm test`, and then nothing is written. */
export const FIGURES_ENV = 'PRODLOG_RELIABILITY_FIGURES';
/** Set by `npm run reliability`: run the slow scenarios (1,000,000 records, longer outages) too. */
export const FULL_RUN_ENV = 'PRODLOG_RELIABILITY_FULL';

export const fullRun = (): boolean => process.env[FULL_RUN_ENV] === '1';

/** One row of the docs/RELIABILITY.md table, as measured by one test. */
export interface Figure {
  /** Stable key: the table keeps one row per id, in the order scripts/reliability.js lists. */
  readonly id: string;
  readonly fault: string;
  /** What the service did and what the measurement found, in a sentence. */
  readonly happened: string;
  /** Records lost, as a number, or a phrase such as "0 of 20,000". */
  readonly lost: string;
  readonly duplicates: string;
  readonly memory: string;
}

/**
 * Appends a figure for the generator (one JSON object per line, so parallel
 * test workers never overwrite each other). Tests call it after measuring
 * and before asserting: a broken guarantee is published with the numbers
 * that broke it, next to the test's verdict from jest.
 */
export function recordFigure(figure: Figure): void {
  const file = process.env[FIGURES_ENV];
  if (!file) return;
  const { currentTestName, testPath } = expect.getState();
  const row = { ...figure, test: currentTestName ?? '', file: relative(join(__dirname, '..', '..'), testPath ?? ''), full: fullRun(), at: new Date().toISOString() };
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/** 1234567 -> "1,234,567": figures are read by people. */
export const count = (n: number): string => n.toLocaleString('en-US');

export const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
