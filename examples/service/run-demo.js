// `npm run demo`: runs the example checkout service with prodlog configured
// by its config file, drives traffic through it, and shows, checking each
// claim as it goes: the pretty console, a rotation to a gzip file, shipping
// to a central receiver, an outage of the receiver (the spool backlog grows
// in /healthCheck) and its recovery (the backlog drains), a FATAL whose
// record is on disk, the exceptions grouped by fingerprint with
// `prodlog errors`, and the FATAL exit counted by the next start in /metrics.
// Exits 0 only if every claim held.
//
// The receiver: with PRODLOG_SHIP_URL (HTTP, ndjson) or PRODLOG_SYSLOG_HOST
// (syslog; PRODLOG_SYSLOG_PROTOCOL tcp, tls or relp) set, the service ships
// there. Otherwise the demo starts a stand-in on localhost and says so.
// Runtime files go to examples/service/var (or $CHECKOUT_VAR_DIR).
const { fork, spawnSync } = require('node:child_process');
const { mkdirSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { createInterface } = require('node:readline');
const { createStandIn } = require('./stand-in-receiver');
const d = require('./demo-support');

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'prodlog.js');
const VAR = resolve(process.env.CHECKOUT_VAR_DIR || join(__dirname, 'var'));
const LOG_DIR = join(VAR, 'log');
const ACTIVE_LOG = 'checkout.log';
const SECRETS = ['4111 1111', 'never-logged'];
/** Past this the demo gives up: it is meant to take well under 30 s. */
const DEMO_TIMEOUT_MS = 60_000;

/** Which receiver the service ships to, from the environment. */
function chooseReceiver() {
  const syslogHost = process.env.PRODLOG_SYSLOG_HOST?.trim();
  if (syslogHost) {
    const protocol = process.env.PRODLOG_SYSLOG_PROTOCOL?.trim() || 'tcp';
    return { kind: 'syslog', config: 'prodlog.syslog.config.json', spool: join(VAR, 'spool', 'syslog'), where: `${protocol}://${syslogHost}`, env: {} };
  }
  const url = process.env.PRODLOG_SHIP_URL?.trim();
  if (url) return { kind: 'http', config: 'prodlog.config.json', spool: join(VAR, 'spool', 'http'), where: url, env: {} };
  return { kind: 'stand-in', config: 'prodlog.config.json', spool: join(VAR, 'spool', 'http') };
}

/** Starts server.js; resolves with its port once it listens. Its console lines are shown indented. */
function startService(receiver) {
  const service = fork(join(__dirname, 'server.js'), [], {
    cwd: __dirname,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      ...receiver.env,
      PRODLOG_CONFIG: join(__dirname, receiver.config),
      CHECKOUT_VAR_DIR: VAR,
      // The console shows warn and above here, so the narration stays readable;
      // the file and the receiver get every record from info up.
      CONSOLE_LEVEL: 'warn',
    },
  });
  for (const stream of [service.stdout, service.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lastServiceOutputAt = Date.now();
      process.stdout.write(`   service | ${line}\n`);
    });
  }
  const exited = new Promise((done) => service.on('exit', (code) => done(code)));
  const listening = new Promise((done, fail) => {
    service.once('message', ({ port }) => done(port));
    exited.then((code) => fail(new Error(`the service exited with code ${code} before it listened`)));
  });
  return { service, exited, listening };
}

let lastServiceOutputAt = 0;
/** Lets the service's console lines of a step arrive before the next step is narrated. */
function serviceQuiet() {
  return d.waitFor(() => Date.now() - lastServiceOutputAt > 150, 1_000, 25);
}

async function driveTraffic(port, orders) {
  let failedRequests = 0;
  for (let i = 1; i <= orders; i++) {
    const placed = await d.request(port, 'POST', '/orders');
    const { orderId } = JSON.parse(placed.body);
    const found = await d.request(port, 'GET', `/orders/${orderId}`);
    if (placed.status !== 201 || found.status !== 200) failedRequests++;
  }
  return failedRequests;
}

async function health(port) {
  const { status, json } = await d.getJson(port, '/healthCheck');
  return { status, shipper: d.shipperHealth(json) ?? {} };
}

function showShipper(label, { status, shipper }) {
  d.say(`${label}: /healthCheck ${status}, ${shipper.name}: ok=${shipper.ok}, backlogRecords=${shipper.backlogRecords}, ` +
    `backlogBytes=${shipper.backlogBytes}, delivered=${shipper.delivered}${shipper.ok ? '' : `, lastError="${shipper.lastError}"`}`);
}

async function main() {
  rmSync(LOG_DIR, { recursive: true, force: true });
  rmSync(join(VAR, 'spool'), { recursive: true, force: true });
  rmSync(join(VAR, 'state'), { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const receiver = chooseReceiver();

  d.step('The central receiver');
  let standIn;
  if (receiver.kind === 'stand-in') {
    standIn = await createStandIn(0).start();
    receiver.env = { PRODLOG_SHIP_URL: standIn.url };
    d.say(`No receiver is configured (PRODLOG_SHIP_URL and PRODLOG_SYSLOG_HOST are unset), so the demo starts a STAND-IN`);
    d.say(`receiver on ${standIn.url}. It is not a log store: it accepts what prodlog ships (HTTP, ndjson)`);
    d.say('and counts the records, so that the demo can check nothing is lost. Set PRODLOG_SHIP_URL to ship to a real one.');
  } else {
    d.say(`${receiver.kind === 'syslog' ? 'PRODLOG_SYSLOG_HOST' : 'PRODLOG_SHIP_URL'} is set: the service ships to the REAL receiver ${receiver.where}; no stand-in.`);
    d.say('The outage step needs a receiver the demo can stop, so it is skipped; delivery is checked from the service\'s own health.');
  }

  d.step('Starting the service', `examples/service/server.js with PRODLOG_CONFIG=examples/service/${receiver.config}: pretty console, a file rotating at 32K\n` +
    `to gzip (${LOG_DIR}), shipping through a spool (${receiver.spool}), request logging, /healthCheck, /metrics, a startup record.`);
  const { service, exited, listening } = startService(receiver);
  runningService = service;
  const port = await listening;
  d.say(`listening on http://127.0.0.1:${port}`);

  d.step('Traffic', 'Orders placed and looked up, one lookup miss (debug: not written at level info), a slow upstream (warn), a failing one\n(error, 4 times, each message with its order id) and refunds of unpaid orders (error, 3 times).\nThe console shows warn and above; the file and the receiver get everything from info.');
  const failedRequests = await driveTraffic(port, 100);
  await d.request(port, 'GET', '/orders/o-999');
  await d.request(port, 'GET', '/slow');
  for (const order of ['o-3', 'o-17', 'o-42', 'o-64']) await d.request(port, 'GET', `/fail?order=${order}`);
  for (const order of ['o-5', 'o-6', 'o-7']) await d.request(port, 'POST', `/refunds/${order}`);
  await serviceQuiet();
  d.claim('the service answered all 200 order requests', failedRequests === 0, `${failedRequests} failed`);

  d.step('Health and metrics of the logging pipeline');
  const before = await health(port);
  showShipper('now', before);
  d.claim('/healthCheck reports the pipeline healthy', before.status === 200 && before.shipper.ok === true);
  const metrics = (await d.request(port, 'GET', '/metrics')).body;
  for (const line of metrics.split('\n').filter((l) => /^prodlog_(records_total\{.*level="(info|warn|error)"|spool_backlog_records|transport_shipped_total)/.test(l))) d.say(line);
  d.claim('/metrics shows the spool backlog and records per level', metrics.includes('prodlog_spool_backlog_records{') && metrics.includes('prodlog_records_total{'));

  d.step('Rotation', `The file transport rotates ${ACTIVE_LOG} at 32K and gzips the rotated file in the background.`);
  const rotated = await d.waitFor(() => d.logFiles(LOG_DIR, ACTIVE_LOG).filter((f) => f.name.endsWith('.gz')), 10_000);
  for (const f of d.logFiles(LOG_DIR, ACTIVE_LOG)) d.say(`${f.name.padEnd(44)} ${String(f.bytes).padStart(7)} bytes`);
  const firstGz = rotated?.[0];
  const gzLines = firstGz ? d.readLines(firstGz.path) : [];
  d.claim(`a rotated file was compressed: ${firstGz?.name ?? 'none'}`, firstGz !== undefined);
  d.claim(`it holds ${gzLines.length} records, every one a valid JSON line`, gzLines.length > 0 && gzLines.every(d.parsesAsJson));

  if (standIn) {
    d.step('Outage of the receiver', 'Stopping the stand-in: to the service, the central store is down. It keeps serving; records wait in the spool on disk.');
    // The outage starts from an empty backlog: records logged before it are delivered (and reported) first.
    await d.waitFor(async () => ((await health(port)).shipper.backlogRecords === 0 ? true : undefined), 10_000, 100);
    await standIn.stop();
    const failedDuringOutage = await driveTraffic(port, 15);
    const first = await health(port);
    showShipper('after 30 requests', first);
    await driveTraffic(port, 15);
    const down = await d.waitFor(async () => {
      const h = await health(port);
      return h.status === 500 ? h : undefined;
    }, 5_000);
    const second = down ?? (await health(port));
    await serviceQuiet();
    showShipper('after 30 more', second);
    d.claim('the service kept answering during the outage', failedDuringOutage === 0);
    d.claim('the spool backlog grows while the receiver is down', first.shipper.backlogRecords > 0 && second.shipper.backlogRecords > first.shipper.backlogRecords,
      `${first.shipper.backlogRecords} then ${second.shipper.backlogRecords} records`);
    d.claim('/healthCheck answers 500 and names the error', second.status === 500 && /ECONNREFUSED/.test(second.shipper.lastError ?? ''));

    d.step('The receiver is back', 'Starting the stand-in again on the same port. The spool drains by itself (retry backoff up to 1 s in this config).');
    await standIn.start();
  } else {
    d.step('Delivery', `Waiting for the spool to drain to ${receiver.where}.`);
  }
  const drainStarted = Date.now();
  const drained = await d.waitFor(async () => {
    const h = await health(port);
    return h.shipper.backlogRecords === 0 ? h : undefined;
  }, 15_000, 200);
  const after = drained ?? (await health(port));
  showShipper('now', after);
  d.claim('the backlog drained to 0', drained !== undefined, `after ${((Date.now() - drainStarted) / 1000).toFixed(1)} s`);
  d.claim('/healthCheck reports the pipeline healthy after delivery', after.status === 200 && after.shipper.ok === true);
  const text = (await d.request(port, 'GET', '/metrics')).body;
  const written = d.metricValue(text, 'prodlog_transport_written_total', after.shipper.name);
  const shipped = d.metricValue(text, 'prodlog_transport_shipped_total', after.shipper.name);
  d.claim('every record the service spooled was delivered (from /metrics)', written !== undefined && written === shipped, `written ${written}, shipped ${shipped}`);
  if (standIn) d.claim('the receiver counts the same records', standIn.records === shipped, `${standIn.records} distinct records received, in ${standIn.requests} requests`);

  d.step('FATAL', 'POST /demo/fatal: the service logs why it cannot go on, makes every record durable, gives shipping up to 3 s, and exits.');
  await d.request(port, 'POST', '/demo/fatal');
  const code = await exited;
  await serviceQuiet();
  d.claim('the service exited with code 1', code === 1, `code ${code}`);
  const lines = d.readLines(join(LOG_DIR, ACTIVE_LOG));
  const last = lines.at(-1) ?? '';
  d.say(`the last line of ${join(LOG_DIR, ACTIVE_LOG)}:`);
  d.say(last);
  d.say('the same through `prodlog pretty`:');
  d.say(spawnSync(process.execPath, [CLI, 'pretty', '--no-color'], { input: `${last}\n`, encoding: 'utf8' }).stdout.trim());
  const fatal = d.parsesAsJson(last) ? JSON.parse(last) : {};
  d.claim('its last record is the FATAL one, with the request id', fatal.level === 'fatal' && fatal.msg === 'payments configuration missing' && typeof fatal.requestId === 'string');
  if (standIn) d.claim('the FATAL record reached the receiver before the exit', standIn.lastRecord?.level === 'fatal' && standIn.lastRecord?.msg === fatal.msg);

  d.step('What is on disk', `Every log file, rotated and active; and the spool, read with \`prodlog spool ${receiver.spool}\`.`);
  const files = d.logFiles(LOG_DIR, ACTIVE_LOG);
  const all = files.flatMap((f) => d.readLines(f.path));
  d.claim(`${all.length} records in ${files.length} files, every line valid JSON`, all.every(d.parsesAsJson));
  d.claim('the first record on disk is the startup record', d.parsesAsJson(all[0] ?? '') && JSON.parse(all[0]).msg === 'startup');
  d.claim('no card number or password in any file', !all.some((l) => SECRETS.some((s) => l.includes(s))));
  const spool = spawnSync(process.execPath, [CLI, 'spool', receiver.spool], { encoding: 'utf8' });
  for (const line of spool.stdout.trim().split('\n')) d.say(line);
  if (standIn) d.claim('nothing is left in the spool', /^backlog: 0 records/m.test(spool.stdout));

  d.step('Exceptions, grouped', `\`prodlog errors ${LOG_DIR} --since 1h\`: the error and fatal records of the live and rotated files, grouped by the\nfingerprint every serialised error carries (its type and top frames: not the message, not line numbers).`);
  const errors = spawnSync(process.execPath, [CLI, 'errors', LOG_DIR, '--since', '1h'], { encoding: 'utf8' });
  for (const line of errors.stdout.trimEnd().split('\n')) d.say(line);
  const report = JSON.parse(spawnSync(process.execPath, [CLI, 'errors', LOG_DIR, '--since', '1h', '--json'], { encoding: 'utf8' }).stdout || '{"groups":[]}');
  const upstream = report.groups.find((g) => g.type === 'Error' && /^payments answered 500 for order o-\d+$/.test(g.example.message));
  const refunds = report.groups.find((g) => g.type === 'TypeError');
  d.claim('the 4 upstream failures, each with its own message, are one group', upstream?.count === 4, upstream ? `fingerprint ${upstream.fingerprint}` : 'no such group');
  d.claim('the 3 refund failures, thrown at another site, are another', refunds?.count === 3 && refunds.fingerprint !== upstream?.fingerprint, refunds ? `fingerprint ${refunds.fingerprint}` : 'no such group');
  d.claim('both fingerprints come from the records themselves', upstream?.computed === false && refunds?.computed === false);

  d.step('The next start', 'The FATAL exit left a marker; the restarted service serves it on /metrics for the ProdlogFatalExit alert (docs/alerts).');
  const again = startService(receiver);
  runningService = again.service;
  const againPort = await again.listening;
  const fatalMetrics = (await d.request(againPort, 'GET', '/metrics')).body.split('\n').filter((l) => /^prodlog_(fatal_exits_total|last_fatal_exit_timestamp_seconds)\{/.test(l));
  for (const line of fatalMetrics) d.say(line);
  d.claim('prodlog_fatal_exits_total counts the FATAL exit', fatalMetrics.includes('prodlog_fatal_exits_total{logger="checkout"} 1'));
  again.service.kill('SIGTERM');
  const stopped = await again.exited;
  await serviceQuiet();
  d.claim('SIGTERM stops it gracefully (exit code 0)', stopped === 0, `code ${stopped}`);
  if (standIn) await standIn.stop();
}

/** The service, so that a demo that fails half-way does not leave it running. */
let runningService;
function exitDemo(code) {
  if (runningService && runningService.exitCode === null && runningService.signalCode === null) runningService.kill('SIGKILL');
  process.exit(code);
}

const timer = setTimeout(() => {
  process.stdout.write(`\ndemo FAILED: it did not finish within ${DEMO_TIMEOUT_MS / 1000} s\n`);
  exitDemo(1);
}, DEMO_TIMEOUT_MS);
timer.unref();

main().then(
  () => {
    const failed = d.failedClaims();
    if (failed.length === 0) {
      process.stdout.write(`\nAll ${d.claimCount()} claims held.\n`);
      exitDemo(0);
    }
    process.stdout.write(`\ndemo FAILED: ${failed.length} of ${d.claimCount()} claims did not hold:\n${failed.map((c) => `  - ${c.text}\n`).join('')}`);
    exitDemo(1);
  },
  (err) => {
    process.stdout.write(`\ndemo FAILED: ${err.stack}\n`);
    exitDemo(1);
  },
);
