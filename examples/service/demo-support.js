// Helpers of run-demo.js: narration, checked claims, HTTP calls to the
// service, polling, and reading the log files back.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { gunzipSync } = require('node:zlib');

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/** A numbered step, in plain words. */
let stepNumber = 0;
function step(title, explanation) {
  stepNumber++;
  process.stdout.write(`\n${bold(`== ${stepNumber}. ${title}`)}\n`);
  if (explanation) process.stdout.write(`${explanation}\n`);
}

function say(text) {
  process.stdout.write(`   ${text}\n`);
}

/**
 * Every claim the demo makes is checked, not just printed; the demo exits
 * non-zero if any failed.
 */
const claims = [];
function claim(text, held, detail) {
  claims.push({ text, held: Boolean(held) });
  process.stdout.write(`   ${held ? 'checked:' : 'FAILED: '} ${text}${detail === undefined ? '' : ` (${detail})`}\n`);
  return Boolean(held);
}

function failedClaims() {
  return claims.filter((c) => !c.held);
}

function claimCount() {
  return claims.length;
}

async function request(port, method, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, body: await res.text() };
}

async function getJson(port, path) {
  const { status, body } = await request(port, 'GET', path);
  return { status, json: JSON.parse(body) };
}

/** Polls `probe` until it returns a truthy value, or resolves undefined at the deadline. */
async function waitFor(probe, timeoutMs, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The shipping transport's part of the /healthCheck report. */
function shipperHealth(report) {
  const transports = report.checks?.logging?.details?.loggers?.[0]?.transports ?? [];
  return transports.find((t) => t.name.startsWith('http:') || t.name.startsWith('syslog:'));
}

/** A metric's value from Prometheus text, for the sample whose labels contain `labelText`. */
function metricValue(text, name, labelText) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labelText));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The log files of the folder, oldest first (rotated names carry the first record's time; the active file is newest). */
function logFiles(dir, activeName) {
  const rotated = readdirSync(dir)
    .filter((f) => f !== activeName && (f.endsWith('.log') || f.endsWith('.log.gz')))
    .sort();
  return [...rotated, activeName].map((name) => ({ name, path: join(dir, name), bytes: statSync(join(dir, name)).size }));
}

/** The lines of a log file, gunzipped if it is compressed. */
function readLines(path) {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text.split('\n').filter((l) => l !== '');
}

function parsesAsJson(line) {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

module.exports = { step, say, claim, failedClaims, claimCount, request, getJson, waitFor, shipperHealth, metricValue, logFiles, readLines, parsesAsJson };
