import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileTestDir, splitLines } from '../../support/file-logs';
import { startFixture } from '../../support/file-fixture';

function messages(path: string): string[] {
  return splitLines(readFileSync(path, 'utf8')).map((l) => (JSON.parse(l) as { msg: string }).msg);
}

/** What logrotate does without copytruncate: rename the file, then signal the process. */
async function logrotate(reopenSignal: string, signal: NodeJS.Signals) {
  const dir = fileTestDir('logrotate');
  const path = join(dir, 'app.log');
  const service = startFixture('file-sighup.js', [path, reopenSignal, signal]);
  await service.line(/^ready$/);
  renameSync(path, `${path}.1`);
  service.child.kill(signal);
  return { path, service };
}

describe('external rotation by logrotate (no rotate option)', () => {
  it('reopens the file on SIGHUP by default: old records stay in the renamed file, new ones go to a new file', async () => {
    const { path, service } = await logrotate('-', 'SIGHUP');
    await service.line(/^closed$/);
    expect((await service.done).status).toBe(0);
    expect(messages(`${path}.1`)).toEqual(Array(1000).fill('before'));
    expect(messages(path)).toEqual(Array(1000).fill('after'));
  });

  it('reopens on another signal when configured', async () => {
    const { path, service } = await logrotate('"SIGUSR2"', 'SIGUSR2');
    await service.line(/^closed$/);
    expect(messages(`${path}.1`)).toEqual(Array(1000).fill('before'));
    expect(messages(path)).toEqual(Array(1000).fill('after'));
  });

  it('with reopenSignal false installs no listener: SIGHUP ends the process as Node does by default', async () => {
    const dir = fileTestDir('nohup');
    const path = join(dir, 'app.log');
    const service = startFixture('file-sighup.js', [path, 'false', '-']);
    await service.line(/^ready$/);
    service.child.kill('SIGHUP');
    expect((await service.done).signal).toBe('SIGHUP');
    expect(existsSync(path)).toBe(true);
  });
});
