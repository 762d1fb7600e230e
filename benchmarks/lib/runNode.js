'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const REPO_ROOT = join(__dirname, '..', '..');
/** Only the tail of stderr is kept: it is for the one-line failure reason. */
const STDERR_KEEP = 4000;

/**
 * Runs `node ...args` from the repository root and resolves when it has
 * closed its pipes, with its exit code, output, and `exitedAtNs`: the
 * monotonic time of its 'exit' event, taken before the pipes are drained.
 * Past `timeoutMs` it is killed with `killSignal` and `timedOut` is set.
 */
function runNode(args, timeoutMs, killSignal = 'SIGKILL') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let exitedAtNs = 0n;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill(killSignal);
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-STDERR_KEEP)));
    child.on('exit', () => (exitedAtNs = process.hrtime.bigint()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, exitedAtNs, timedOut });
    });
  });
}

/** The last non-empty line of a process's stderr: usually the error message. */
function lastLine(text) {
  return text.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}

module.exports = { runNode, lastLine };
