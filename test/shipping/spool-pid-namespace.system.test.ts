import { spawnSync } from 'node:child_process';
import { Spool } from '../../transports/shipping/Spool';
import { tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';

// `unshare --pid` needs root: this is a system test (see jest.config.js).
describe('the on-disk spool', () => {
  it('a process in another PID namespace (another container on the same volume) is refused too', () => {
    const dir = tempDir('spool');
    const a = new Spool({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 1024 * 1024, chunkChars: 4096 });
    try {
      // In its own PID namespace our pid names no process it can see: a pid file alone would let it in.
      const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, fixturePath('spool-open.js'), dir], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^refused: spool directory .* is in use by process \d+/);
    } finally {
      a.close();
    }
  });
});
