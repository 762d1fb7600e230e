import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { closedPort, HttpReceiver } from '../support/http-receiver';
import { LoadService } from '../support/load-service';
import { tempDir } from '../support/run-fixture';

/**
 * Every file prodlog creates holds log records: other local users must not
 * read them, whatever the service's umask. A service runs with umask 000 (the
 * worst case: nothing is masked) and creates each kind of file: an active log
 * file and rotated, gzipped ones, a spool (segments, cursor, lock) for a
 * receiver that is down, and a dead-letter file for records an HTTP receiver
 * refused.
 */

interface Entry {
  readonly path: string;
  readonly mode: number;
  readonly dir: boolean;
}

function walk(root: string, dir = root): Entry[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const st = lstatSync(path);
    const entry = { path: relative(root, path), mode: st.mode & 0o777, dir: st.isDirectory() };
    return st.isDirectory() ? [entry, ...walk(root, path)] : [entry];
  });
}

const octal = (e: Entry): string => `${e.path} ${e.mode.toString(8).padStart(3, '0')}`;

let receiver: HttpReceiver;
beforeAll(async () => {
  receiver = await HttpReceiver.start(() => ({ status: 400, body: 'bad request' })); // every record is dead-lettered
});
afterAll(async () => {
  await receiver?.close();
});

describe('files prodlog creates, under umask 000', () => {
  let entries: Entry[];
  beforeAll(async () => {
    const root = tempDir('sec-files');
    const service = new LoadService({
      umask: 0,
      logger: {
        name: 'sec-files',
        transports: [
          { type: 'file', path: join(root, 'logs', 'app.log'), rotate: { size: '16K', compress: 'gzip', maxFiles: 10 } },
          // closeTimeout under the logger's: close() then has time to close the spool.
          { type: 'syslog', host: '127.0.0.1', port: await closedPort(), protocol: 'relp', spool: { dir: join(root, 'spool', 'relp') }, closeTimeout: '200ms' },
          { type: 'http', url: `${receiver.url}/v1/logs`, format: 'ndjson', batch: { interval: '0s' }, spool: { dir: join(root, 'spool', 'http') } },
        ],
      },
      // The wait gives the compression worker and the dead-letter writes time to finish.
      steps: [{ log: { records: 2_000, perTick: 100, pad: 100 } }, { drain: 3_000 }, { close: true }],
    });
    const done = await service.done();
    expect(done.health[2]).toMatchObject({ failed: 2_000 }); // all refused: the dead-letter file exists
    entries = walk(root);
  });

  it('created every kind of file: log and its lock, rotated .gz, spool segment and cursor, dead letters', () => {
    const names = entries.map((e) => e.path);
    expect(names).toEqual(expect.arrayContaining(['logs/app.log', 'logs/app.log.lock', 'spool/http/cursor', 'spool/http.dead-letter.ndjson']));
    expect(names.some((n) => /^logs\/app\..+\.log\.gz$/.test(n))).toBe(true);
    expect(names.some((n) => /^spool\/relp\/.+\.seg$/.test(n))).toBe(true);
  });

  it('no file is readable or writable by other users; spool files and folders by no one but the owner', () => {
    const files = entries.filter((e) => !e.dir);
    expect(files.filter((e) => (e.mode & 0o007) !== 0).map(octal)).toEqual([]);
    // The dead-letter file beside a spool is a log file (0640); the spools themselves are private.
    const spools = entries.filter((e) => /^spool\/(relp|http)(\/|$)/.test(e.path));
    expect(spools.filter((e) => (e.mode & 0o077) !== 0).map(octal)).toEqual([]);
    expect(spools.filter((e) => e.dir).map(octal)).toEqual(['spool/http 700', 'spool/relp 700']);
  });
});
