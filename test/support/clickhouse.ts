import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsSystemTest } from './system-tests';

const INSTALL_HINT = 'run `bash scripts/install-receivers.sh` (as root) to install it';
const READY_TIMEOUT_MS = 20_000;

/**
 * The `logs` table the tests write to, as a user would create it for the
 * ndjson format. `time` is kept as the record's ISO text and the event time
 * is derived from it: ClickHouse 18.16 has no DateTime64, so the second and
 * the milliseconds get their own columns. Keys of a record that have no
 * column are skipped (input_format_skip_unknown_fields). `logId` is the
 * spool id the ndjson format adds, which tells a retried duplicate from a
 * record logged twice.
 */
export const LOGS_TABLE_SQL = `CREATE TABLE logs (
  time String,
  level String,
  name String,
  hostname String,
  pid UInt32,
  msg String,
  seq UInt64 DEFAULT 0,
  logId String DEFAULT '',
  event_time DateTime MATERIALIZED parseDateTimeBestEffort(time),
  event_ms UInt16 MATERIALIZED toUInt16(substring(time, 21, 3))
) ENGINE = MergeTree ORDER BY (event_time, event_ms)`;

/** The INSERT a shipper posts to, as URL query parameters. */
export const INSERT_QUERY = 'query=INSERT%20INTO%20logs%20FORMAT%20JSONEachRow&input_format_skip_unknown_fields=1';

/**
 * A real clickhouse-server for one test file: its own temp dir, free
 * loopback ports, a `logs` table. It can be stopped and started again on the
 * same ports and data, to test shipping across an outage.
 */
export class ClickHouse {
  private process: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly httpPort: number,
    private readonly binary: string,
  ) {}

  /** The base URL, e.g. http://127.0.0.1:34567 */
  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** The URL a shipper with format ndjson posts to. */
  get insertUrl(): string {
    return `${this.url}/?${INSERT_QUERY}`;
  }

  static async start(): Promise<ClickHouse> {
    needsSystemTest('starting ClickHouse');
    const binary = findBinary();
    const dir = mkdtempSync(join(tmpdir(), 'prodlog-clickhouse-'));
    const [httpPort, tcpPort] = await freePorts(2);
    writeFileSync(join(dir, 'config.xml'), configXml(dir, httpPort!, tcpPort!));
    const server = new ClickHouse(dir, httpPort!, binary);
    await server.resume();
    await server.query(LOGS_TABLE_SQL);
    return server;
  }

  /** Starts the server again after `stop()`, on the same ports and data. */
  async resume(): Promise<void> {
    if (this.process) return;
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    const child = spawn(this.binary, [`--config-file=${join(this.dir, 'config.xml')}`], { stdio: 'ignore', cwd: this.dir });
    this.process = child;
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      if (this.process === child) this.process = undefined;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await this.ping())) {
      if (exited !== undefined || Date.now() > deadline) {
        throw new Error(`clickhouse-server did not start (${exited ?? 'no answer to /ping'}); its log: ${this.errorLog()}`);
      }
      await delay(50);
    }
  }

  /** Stops the server (SIGKILL: no chance to finish anything, like a crash) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async ping(): Promise<boolean> {
    try {
      const res = await request(`${this.url}/ping`, undefined);
      return res.status === 200 && res.text.startsWith('Ok');
    } catch {
      return false;
    }
  }

  /** Runs one statement; throws with ClickHouse's own message on failure. */
  async query(sql: string): Promise<string> {
    const res = await request(`${this.url}/`, sql);
    if (res.status !== 200) throw new Error(`ClickHouse answered ${res.status} to ${sql.slice(0, 80)}: ${res.text.trim()}`);
    return res.text;
  }

  /** The rows of a SELECT, parsed (UInt64 comes back as a string in JSON). */
  async rows<T = Record<string, unknown>>(select: string): Promise<T[]> {
    const text = await this.query(`${select} FORMAT JSONEachRow`);
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as T);
  }

  async count(where = '1'): Promise<number> {
    return Number((await this.query(`SELECT count() FROM logs WHERE ${where}`)).trim());
  }

  private errorLog(): string {
    try {
      return readFileSync(join(this.dir, 'error.log'), 'utf8').slice(-2_000) || '(empty)';
    } catch {
      return '(none)';
    }
  }
}

/**
 * One request on a fresh connection. Not fetch: its pooled keep-alive
 * connections outlive ClickHouse's 3 s keep-alive timeout and then fail with
 * "other side closed" on reuse, and a stopped and restarted server leaves
 * them all stale.
 */
function request(url: string, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: body === undefined ? 'GET' : 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** On PATH, or where the Debian package puts it (/usr/sbin is not on every user's PATH). */
function findBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { encoding: 'utf8' });
  const path = found.status === 0 ? found.stdout.trim() : '';
  if (path !== '') return path;
  const packaged = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'].find((p) => existsSync(p));
  if (packaged) return packaged;
  throw new Error(`clickhouse-server is not installed: ${INSTALL_HINT}`);
}

function configXml(dir: string, httpPort: number, tcpPort: number): string {
  // Only what 18.16 needs to run unprivileged in a temp dir; users come from the package's users.xml.
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <users_config>/etc/clickhouse-server/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709120</mark_cache_size>
</yandex>
`;
}

/** Ports the kernel hands out for port 0, released again for the server to take. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
