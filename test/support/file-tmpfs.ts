import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsSystemTest } from './system-tests';

/**
 * A real small file system to fill up: a tmpfs of `size` mounted on a fresh
 * folder. Needs root (as on the project's machines and CI); without it the
 * test fails with this message rather than being skipped.
 */
export function mountTmpfs(size: string): { readonly dir: string; unmount(): void } {
  needsSystemTest(`mounting a ${size} tmpfs`);
  const dir = mkdtempSync(join(tmpdir(), 'prodlog-file-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the disk-full tests mount a ${size} tmpfs and need root: ${(err as Error).message}`);
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
