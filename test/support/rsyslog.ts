import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './run-fixture';
import { needsSystemTest } from './system-tests';

/** One message as rsyslog parsed it, from the JSON template below. */
export interface ReceivedMessage {
  readonly pri: string;
  readonly time: string;
  readonly hostname: string;
  readonly appname: string;
  readonly procid: string;
  readonly msgid: string;
  readonly sd: string;
  readonly msg: string;
  readonly input: string;
}

export interface RsyslogOptions {
  /**
   * Write each message to the file before acknowledging it (Direct queues):
   * then a SIGKILL of rsyslog cannot lose what it acknowledged over RELP, and
   * a loss in a test is the client's. Slower than the default in-memory queue.
   */
  readonly durable?: boolean;
}

const INSTALL_HINT = 'run `bash scripts/install-receivers.sh` (it installs rsyslog, rsyslog-relp, rsyslog-gnutls and openssl)';

/**
 * A real rsyslogd on free 127.0.0.1 ports (plain TCP, TLS with a self-signed
 * certificate for localhost/127.0.0.1, RELP, RELP over TLS requiring a client
 * certificate signed by that same certificate) in a temp folder, writing every
 * message it receives as one JSON object per line to `received.jsonl`.
 */
export class Rsyslog {
  readonly dir: string;
  readonly caFile: string;
  readonly outFile: string;
  ports = { tcp: 0, tls: 0, tlsClientCert: 0, relp: 0, relpTls: 0 };
  /** PEM key of the certificate (which is also the CA): the client certificate RELP over TLS requires. */
  readonly keyFile: string;
  private proc: ChildProcess | null = null;
  private readonly confFile: string;

  private constructor(private readonly options: RsyslogOptions) {
    this.dir = tempDir('rsyslog');
    this.caFile = join(this.dir, 'cert.pem');
    this.keyFile = join(this.dir, 'key.pem');
    this.outFile = join(this.dir, 'received.jsonl');
    this.confFile = join(this.dir, 'rsyslog.conf');
  }

  static async start(options: RsyslogOptions = {}): Promise<Rsyslog> {
    needsSystemTest('starting rsyslog');
    const r = new Rsyslog(options);
    r.checkInstalled();
    r.makeCertificate();
    r.ports = { tcp: await freePort(), tls: await freePort(), tlsClientCert: await freePort(), relp: await freePort(), relpTls: await freePort() };
    r.writeConfig();
    await r.restart();
    return r;
  }

  /** Starts rsyslogd (again) on the same ports and waits until all three listen. */
  async restart(): Promise<void> {
    if (this.proc) throw new Error('rsyslogd is already running');
    const proc = spawn(rsyslogd(), ['-n', '-iNONE', '-f', this.confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    this.proc = proc;
    const deadline = Date.now() + 10_000;
    while (!Object.values(this.ports).every(listening)) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`rsyslogd did not start listening on ${JSON.stringify(this.ports)}: ${stderr}`);
      }
      await sleep(20);
    }
  }

  /** Ends rsyslogd: SIGTERM lets it write its queue out, SIGKILL is a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill(signal);
      await exited;
    }
    // The listening sockets go with the process, but wait until the kernel agrees.
    while (Object.values(this.ports).some(listening)) await sleep(10);
  }

  /** Every message received so far. */
  received(): ReceivedMessage[] {
    if (!existsSync(this.outFile)) return [];
    return readFileSync(this.outFile, 'utf8')
      .split('\n')
      .map(parseLine)
      .filter((m): m is ReceivedMessage => m !== null);
  }

  /** Waits until `predicate` holds for the messages received, polling the output file. */
  waitFor(predicate: (messages: ReceivedMessage[]) => boolean, timeoutMs = 15_000): Promise<ReceivedMessage[]> {
    return pollReceived('rsyslog', () => this.received(), predicate, timeoutMs);
  }

  private checkInstalled(): void {
    const modules = ['imtcp', 'imrelp', 'lmnsd_gtls'].filter((m) => !moduleDirs().some((d) => existsSync(join(d, `${m}.so`))));
    if (!existsSync(rsyslogd()) || modules.length > 0) {
      throw new Error(`rsyslogd or its modules (${modules.join(', ') || 'rsyslogd'}) are missing: ${INSTALL_HINT}`);
    }
    if (spawnSync('openssl', ['version']).status !== 0) throw new Error(`openssl is missing: ${INSTALL_HINT}`);
  }

  private makeCertificate(): void {
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost'];
    args.push('-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(this.dir, 'key.pem'), '-out', this.caFile);
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr}`);
  }

  private writeConfig(): void {
    const work = join(this.dir, 'work');
    mkdirSync(work, { recursive: true });
    const queue = this.options.durable ? ' queue.type="Direct"' : '';
    writeFileSync(
      this.confFile,
      `global(workDirectory="${work}" maxMessageSize="256k" parser.escapeControlCharactersOnReceive="off")
${this.options.durable ? 'main_queue(queue.type="Direct")\n' : ''}module(load="imtcp")
module(load="imrelp")
template(name="json" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="time" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="appname" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="input" name="inputname" format="jsonf")
}
ruleset(name="out"${queue}) {
  action(type="omfile" file="${this.outFile}" template="json"${queue})
}
input(type="imtcp" address="127.0.0.1" port="${this.ports.tcp}" ruleset="out")
input(type="imtcp" address="127.0.0.1" port="${this.ports.tls}" ruleset="out" streamDriver.name="gtls" streamDriver.mode="1"
      streamDriver.authMode="anon" streamDriver.CertFile="${this.caFile}" streamDriver.KeyFile="${this.keyFile}")
input(type="imtcp" address="127.0.0.1" port="${this.ports.tlsClientCert}" ruleset="out" streamDriver.name="gtls" streamDriver.mode="1"
      streamDriver.authMode="x509/certvalid" streamDriver.CAFile="${this.caFile}" streamDriver.CertFile="${this.caFile}" streamDriver.KeyFile="${this.keyFile}")
input(type="imrelp" address="127.0.0.1" port="${this.ports.relp}" ruleset="out")
input(type="imrelp" address="127.0.0.1" port="${this.ports.relpTls}" ruleset="out" tls="on" tls.authMode="certvalid"
      tls.caCert="${this.caFile}" tls.myCert="${this.caFile}" tls.myPrivKey="${this.keyFile}")
`,
    );
    const check = spawnSync(rsyslogd(), ['-N1', '-f', this.confFile], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`rsyslogd rejects the test config: ${check.stderr}`);
  }
}

/**
 * One line of the output file. A SIGKILLed rsyslogd can leave a torn last
 * line, and after its restart the next message is appended to that fragment:
 * the message is then the last `{"pri"` object on the line. A fragment alone
 * (the message was not acknowledged, so it is sent again) is skipped.
 */
function parseLine(line: string): ReceivedMessage | null {
  for (const start of [0, line.lastIndexOf('{"pri"')]) {
    if (start < 0 || start >= line.length) continue;
    try {
      return JSON.parse(line.slice(start)) as ReceivedMessage;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

function rsyslogd(): string {
  return ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p)) ?? '/usr/sbin/rsyslogd';
}

function moduleDirs(): string[] {
  return ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog'];
}

function listening(port: number): boolean {
  const r = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  return r.stdout.trim() !== '';
}

/** A port nothing listens on now (the kernel's pick); rsyslogd binds it right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Re-reads what a receiver wrote until `predicate` holds; fails naming the receiver and the count. */
export async function pollReceived<T>(receiver: string, read: () => T[], predicate: (messages: T[]) => boolean, timeoutMs: number): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = read();
    if (predicate(messages)) return messages;
    if (Date.now() > deadline) throw new Error(`${receiver} received ${messages.length} messages; the expected ones did not arrive in ${timeoutMs} ms`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
