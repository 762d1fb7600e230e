import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollReceived } from './rsyslog';
import { tempDir } from './run-fixture';
import { needsSystemTest } from './system-tests';

/** A message as syslog-ng parsed it: `$(format-json --scope rfc5424 --scope sdata)`. */
export interface SyslogNgMessage {
  readonly PROGRAM?: string;
  readonly PID?: string;
  readonly MSGID?: string;
  readonly HOST?: string;
  readonly PRIORITY?: string;
  readonly FACILITY?: string;
  readonly MESSAGE: string;
  readonly _SDATA?: Record<string, Record<string, string>>;
}

/** Where scripts/install-receivers.sh unpacks syslog-ng (it conflicts with rsyslog as a Debian package). */
const ROOT = process.env['PRODLOG_SYSLOG_NG_ROOT'] ?? '/opt/prodlog-receivers/syslog-ng';

/**
 * A real syslog-ng 3.38 with a `syslog()` source on a free 127.0.0.1 port: it
 * accepts only octet-counted frames (RFC 6587) and parses RFC 5424 strictly,
 * structured data included, so it checks framing and SD-PARAM escaping.
 */
export class SyslogNg {
  readonly dir = tempDir('syslog-ng');
  readonly outFile = join(this.dir, 'received.jsonl');
  port = 0;
  private proc: ChildProcess | null = null;

  static async start(): Promise<SyslogNg> {
    needsSystemTest('starting syslog-ng');
    const binary = join(ROOT, 'usr', 'sbin', 'syslog-ng');
    if (!existsSync(binary)) throw new Error(`syslog-ng is not unpacked in ${ROOT}: run \`bash scripts/install-receivers.sh\``);
    const s = new SyslogNg();
    s.port = await freePort();
    const conf = join(s.dir, 'syslog-ng.conf');
    writeFileSync(
      conf,
      `@version: 3.38
options { keep-hostname(yes); log-msg-size(262144); };
source s { syslog(ip(127.0.0.1) port(${s.port}) transport("tcp") max-connections(100)); };
destination d { file("${s.outFile}" template("$(format-json --scope rfc5424 --scope sdata)\\n")); };
log { source(s); destination(d); };
`,
    );
    const env = { ...process.env, LD_LIBRARY_PATH: join(ROOT, 'usr', 'lib', 'syslog-ng') };
    const args = [`--module-path=${join(ROOT, 'usr', 'lib', 'syslog-ng', '3.38')}`, '-f', conf, '-p', join(s.dir, 'pid'), '-R', join(s.dir, 'persist'), '-c', join(s.dir, 'ctl'), '-F', '-e', '--no-caps'];
    let stderr = '';
    s.proc = spawn(binary, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    s.proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 10_000;
    while (spawnSync('ss', ['-Hltn', `sport = :${s.port}`], { encoding: 'utf8' }).stdout.trim() === '') {
      if (s.proc.exitCode !== null || Date.now() > deadline) throw new Error(`syslog-ng did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return s;
  }

  received(): SyslogNgMessage[] {
    if (!existsSync(this.outFile)) return [];
    return readFileSync(this.outFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as SyslogNgMessage);
  }

  waitFor(predicate: (m: SyslogNgMessage[]) => boolean, timeoutMs = 10_000): Promise<SyslogNgMessage[]> {
    return pollReceived('syslog-ng', () => this.received(), predicate, timeoutMs);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
}
