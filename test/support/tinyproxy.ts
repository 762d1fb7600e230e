import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './rsyslog';
import { tempDir } from './run-fixture';
import { needsSystemTest } from './system-tests';

/**
 * A real tinyproxy (Debian package, installed by scripts/install-receivers.sh)
 * on a free loopback port with a configuration of its own in a temp folder,
 * optionally requiring Basic credentials; it logs every connection to
 * `logFile`.
 */
export class Tinyproxy {
  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {}

  static async start(credentials?: { user: string; password: string }): Promise<Tinyproxy> {
    needsSystemTest('starting tinyproxy');
    if (spawnSync('tinyproxy', ['-v']).status !== 0) throw new Error('tinyproxy is missing: run `bash scripts/install-receivers.sh`');
    const dir = tempDir('tinyproxy');
    const port = await freePort();
    const logFile = join(dir, 'tinyproxy.log');
    const conf = join(dir, 'tinyproxy.conf');
    writeFileSync(
      conf,
      [
        `Port ${port}`,
        'Listen 127.0.0.1',
        'Timeout 30',
        `LogFile "${logFile}"`,
        'LogLevel Connect',
        'MaxClients 20',
        'Allow 127.0.0.1',
        'DisableViaHeader Yes',
        ...(credentials ? [`BasicAuth ${credentials.user} ${credentials.password}`] : []),
        '',
      ].join('\n'),
    );
    const proc = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const proxy = new Tinyproxy(proc, port, logFile);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`tinyproxy did not start on port ${port}: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return proxy;
  }

  /** What tinyproxy logged so far. */
  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    await exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
