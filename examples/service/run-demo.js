// Runs the example service, drives some traffic through it, shows the health
// output, then triggers a FATAL and proves its record reached the log file.
const { fork } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const logFile = join(root, 'examples/service/var/log/checkout.log');

function say(text) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

async function request(port, method, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'x-request-id': `demo-${method}-${path}` } });
  return { status: res.status, body: await res.text() };
}

async function main() {
  rmSync(join(root, 'examples/service/var'), { recursive: true, force: true });
  mkdirSync(join(root, 'examples/service/var/log'), { recursive: true });
  say('starting the checkout service (config: examples/service/prodlog.config.json)');
  const service = fork(join(__dirname, 'server.js'), [], {
    cwd: root,
    env: { ...process.env, PRODLOG_CONFIG: join(__dirname, 'prodlog.config.json') },
  });
  const exited = new Promise((done) => service.on('exit', (code) => done(code)));
  const { port } = await new Promise((done) => service.once('message', done));

  say('driving traffic: orders, a lookup, a slow call, a failing upstream');
  await request(port, 'POST', '/orders');
  await request(port, 'POST', '/orders');
  await request(port, 'GET', '/orders/o-1');
  await request(port, 'GET', '/orders/o-9');
  await request(port, 'GET', '/slow');
  await request(port, 'GET', '/fail');

  say('health of the logging pipeline');
  const health = await request(port, 'GET', '/health');
  process.stdout.write(`${JSON.stringify(JSON.parse(health.body), null, 2)}\n`);

  say('triggering FATAL: the service logs why and exits');
  await request(port, 'GET', '/crash');
  const code = await exited;

  say(`the service exited with code ${code}; the last record in ${logFile}:`);
  const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : [];
  process.stdout.write(`${lines.at(-1)}\n`);
  const last = JSON.parse(lines.at(-1) ?? '{}');
  const secretsLeaked = lines.some((l) => l.includes('4111') || l.includes('never-logged'));
  process.stdout.write(`${lines.length} records on disk; secrets in the file: ${secretsLeaked ? 'YES (bug)' : 'none'}\n`);
  if (code !== 1 || last.level !== 'fatal' || secretsLeaked) {
    process.stderr.write('demo failed: expected exit code 1, a fatal record last, and no secrets\n');
    process.exit(1);
  }
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err.stack}\n`);
  process.exit(1);
});
