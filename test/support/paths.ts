import { join } from 'node:path';

/** The repository's root folder. */
export const REPO = join(__dirname, '..', '..');

/** test/fixtures/<name>: a small program a test runs in its own node process. */
export function fixturePath(name: string): string {
  return join(REPO, 'test', 'fixtures', name);
}
