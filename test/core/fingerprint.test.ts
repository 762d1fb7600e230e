import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { errorFingerprint, fingerprintFrames, parseStack, serviceRoot } from '../../src/core/serialize/fingerprint';

/**
 * Code loaded from a file path of our choosing, so that the stack's frames
 * name that path: two "builds" of one service are the same source at the
 * same relative path under different roots, with or without lines added.
 */
function load(root: string, file: string, source: string): Record<string, (...args: unknown[]) => unknown> {
  const exports: Record<string, (...args: unknown[]) => unknown> = {};
  const wrapped = `(function (exports) {${source}\n})`;
  (runInThisContext(wrapped, { filename: join(root, file) }) as (e: object) => void)(exports);
  return exports;
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

async function rejected(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not reject');
}

function fp(err: Error, root: string): string {
  return errorFingerprint(err.constructor.name, err.stack, root, err.message);
}

const SERVICE = `
exports.charge = function charge(amount) { return validate(amount); };
exports.refund = function refund(amount) { return validate(-amount); };
function validate(amount) {
  if (amount > 0) throw new RangeError('amount ' + amount + ' is over the limit');
  throw new TypeError('refund of ' + amount + ' refused');
}
exports.chargeLater = async function chargeLater(amount) { await null; return exports.charge(amount); };
exports.settle = async function settle(id) { await null; throw new Error('settlement ' + id + ' failed'); };
exports.fromCheckout = async function fromCheckout(amount) { await null; return await exports.chargeLater(amount); };
exports.fromRetry = async function fromRetry(amount) { await null; return await exports.chargeLater(amount); };
exports.settleCheckout = async function settleCheckout(id) { return await exports.settle(id); };
exports.settleRetry = async function settleRetry(id) { return await exports.settle(id); };
`;

describe('error fingerprints', () => {
  const base = mkdtempSync(join(tmpdir(), 'prodlog-fingerprint-'));
  const buildA = join(base, 'releases', 'a');
  const buildB = join(base, 'releases', 'b');
  const a = load(buildA, 'lib/payments.js', SERVICE);

  it('is the same for two throws at one site with different messages', () => {
    const one = caught(() => a['charge']!(10));
    const two = caught(() => a['charge']!(99_999));
    expect(one.message).not.toBe(two.message);
    expect(fp(one, buildA)).toBe(fp(two, buildA));
    expect(fp(one, buildA)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differs between two sites, and between two error types at one site', () => {
    const charge = caught(() => a['charge']!(10));
    const refund = caught(() => a['refund']!(-10)); // the same throw statement, reached from another caller
    const refundType = caught(() => a['refund']!(10));
    expect(fp(charge, buildA)).not.toBe(fp(refund, buildA));
    expect(refundType.name).toBe('TypeError');
    expect(fp(caught(() => a['charge']!(-1)), buildA)).not.toBe(fp(charge, buildA)); // TypeError from charge: other type and line
  });

  it('survives a rebuild that shifts every line, deployed to another folder', () => {
    const shifted = load(buildB, 'lib/payments.js', `\n\n// a new header comment\n${SERVICE.replace('exports.charge', '\n\nexports.charge')}`);
    const before = caught(() => a['charge']!(10));
    const after = caught(() => shifted['charge']!(10));
    expect(after.stack).not.toBe(before.stack); // other lines, other folder
    expect(after.stack).toContain(join(buildB, 'lib/payments.js'));
    expect(fp(after, buildB)).toBe(fp(before, buildA));
  });

  it('changes when the code at the site changes its function or file', () => {
    const renamed = load(buildB, 'lib/payments.js', SERVICE.replace(/validate/g, 'check'));
    const moved = load(buildB, 'lib/billing.js', SERVICE);
    const before = fp(caught(() => a['charge']!(10)), buildA);
    expect(fp(caught(() => renamed['charge']!(10)), buildB)).not.toBe(before);
    expect(fp(caught(() => moved['charge']!(10)), buildB)).not.toBe(before);
  });

  it('follows async stacks: the awaiting callers count, the async marker does not', async () => {
    const one = await rejected(() => a['fromCheckout']!(10) as Promise<unknown>);
    const two = await rejected(() => a['fromCheckout']!(500) as Promise<unknown>);
    expect(one.stack).toMatch(/\n\s+at (async )?Object\.fromCheckout /);
    expect(fp(one, buildA)).toBe(fp(two, buildA));
    expect(fingerprintFrames(parseStack(one.stack!, buildA, one.message)).map((f) => f.fn)).toEqual(['validate', 'Object.charge', 'Object.chargeLater']);
    // thrown after an await: the only synchronous frame is the thrower, the callers are async frames
    const fromCheckout = await rejected(() => a['settleCheckout']!(1) as Promise<unknown>);
    const fromCheckoutAgain = await rejected(() => a['settleCheckout']!(2) as Promise<unknown>);
    const fromRetry = await rejected(() => a['settleRetry']!(1) as Promise<unknown>);
    expect(fromCheckout.stack).toMatch(/\n\s+at (async )?Object\.settleCheckout /);
    expect(fp(fromCheckoutAgain, buildA)).toBe(fp(fromCheckout, buildA));
    expect(fp(fromRetry, buildA)).not.toBe(fp(fromCheckout, buildA));
    const marked = 'RangeError: x\n    at validate (/srv/a.js:5:9)\n    at async chargeLater (/srv/a.js:8:1)';
    const unmarked = 'RangeError: x\n    at validate (/srv/a.js:6:9)\n    at chargeLater (/srv/a.js:9:1)';
    expect(errorFingerprint('RangeError', marked, '/srv')).toBe(errorFingerprint('RangeError', unmarked, '/srv'));
  });

  it('gives each error of a cause chain its own fingerprint', () => {
    const inner = caught(() => a['charge']!(10));
    const outer = new Error('checkout failed', { cause: inner });
    const again = new Error('checkout failed for order 7', { cause: caught(() => a['charge']!(7)) });
    expect(fp(outer, buildA)).not.toBe(fp(inner, buildA));
    expect(fp(again.cause as Error, buildA)).toBe(fp(inner, buildA));
  });

  it('leaves out node_modules and node: frames, unless there are no others', () => {
    const app = '    at placeOrder (/srv/app/src/orders.js:40:11)\n    at handle (/srv/app/src/routes.js:12:3)';
    const v1 = `Error: a\n    at Pool.query (/srv/app/node_modules/pg/lib/pool.js:45:11)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n${app}`;
    const v2 = `Error: b\n    at Client.query (/srv/app/node_modules/pg/lib/client.js:512:7)\n    at Pool.query (/srv/app/node_modules/pg/lib/pool.js:47:2)\n${app}`;
    expect(errorFingerprint('Error', v1, '/srv/app')).toBe(errorFingerprint('Error', v2, '/srv/app'));
    expect(parseStack(v1, '/srv/app').map((f) => f.kind)).toEqual(['library', 'runtime', 'app', 'app']);
    expect(parseStack(v1, '/srv/app')[2]).toEqual({ fn: 'placeOrder', path: 'src/orders.js', location: '/srv/app/src/orders.js:40:11', kind: 'app' });
    const onlyLibrary = 'Error: c\n    at Socket.onError (/srv/app/node_modules/ws/lib/socket.js:1:1)\n    at emit (node:events:517:28)';
    const otherLibrary = 'Error: c\n    at Socket.onClose (/srv/app/node_modules/ws/lib/socket.js:1:1)\n    at emit (node:events:517:28)';
    expect(errorFingerprint('Error', onlyLibrary, '/srv/app')).not.toBe(errorFingerprint('Error', otherLibrary, '/srv/app'));
    // a package's frames do not depend on where the service is installed
    expect(errorFingerprint('Error', onlyLibrary, '/srv/app')).toBe(errorFingerprint('Error', onlyLibrary.replace(/\/srv\/app/g, '/opt/x'), '/opt/x'));
  });

  it('reads file URLs (ES modules) and Windows paths as the same files', () => {
    const posix = 'Error: a\n    at run (/srv/app/src/job.mjs:3:9)';
    const url = 'Error: a\n    at run (file:///srv/app/src/job.mjs:3:9)';
    expect(errorFingerprint('Error', url, '/srv/app')).toBe(errorFingerprint('Error', posix, '/srv/app'));
    const windows = 'Error: a\n    at run (C:\\srv\\app\\src\\job.mjs:3:9)';
    expect(parseStack(windows, 'C:\\srv\\app')[0]?.path).toBe('src/job.mjs');
  });

  it('cannot be steered by a message that looks like frames', () => {
    const real = 'Error: bad input\n    at parse (/srv/app/src/parse.js:3:9)';
    const forged = 'Error: bad input\n    at evil (/srv/app/src/other.js:1:1)\n    at parse (/srv/app/src/parse.js:3:9)';
    expect(errorFingerprint('Error', forged, '/srv/app', 'bad input\n    at evil (/srv/app/src/other.js:1:1)')).toBe(errorFingerprint('Error', real, '/srv/app', 'bad input'));
  });

  it('counts the code of an error without frames, so system errors of other kinds stay apart', () => {
    expect(errorFingerprint('Error', 'Error: connect ECONNREFUSED 127.0.0.1:5432', '/srv', undefined, 'ECONNREFUSED')).not.toBe(
      errorFingerprint('Error', "Error: ENOENT: no such file or directory, open 'x'", '/srv', undefined, 'ENOENT'),
    );
    expect(errorFingerprint('Error', 'Error: connect ECONNREFUSED 10.0.0.1:5432', '/srv', undefined, 'ECONNREFUSED')).toBe(
      errorFingerprint('Error', undefined, '/srv', undefined, 'ECONNREFUSED'),
    );
  });

  it('is the hash docs/fingerprint.md describes, so a store can recompute it', () => {
    const stack = 'TypeError: x is undefined\n    at Cart.add (/srv/app/src/cart.js:10:5)\n    at async checkout (/srv/app/src/routes.js:20:3)\n    at Object.<anonymous> (/srv/app/server.js:1:1)\n    at main (/srv/app/server.js:9:1)';
    const text = 'TypeError\nCart.add\tsrc/cart.js\ncheckout\tsrc/routes.js\nObject.<anonymous>\tserver.js';
    expect(errorFingerprint('TypeError', stack, '/srv/app')).toBe(createHash('sha256').update(text).digest('hex').slice(0, 16));
    const noFrames = createHash('sha256').update('Error\ncode ECONNRESET').digest('hex').slice(0, 16);
    expect(errorFingerprint('Error', 'Error: socket hang up', '/srv', undefined, 'ECONNRESET')).toBe(noFrames);
  });

  it('bounds its work on a stack made up to be slow: a frame line over 4 KiB is never parsed, and at most 200 frames are kept', () => {
    const hostile = `Error: x\n    at ${'f ('.repeat(200_000)}\n${'    at g (/srv/app/a.js:1:1)\n'.repeat(20_000)}`;
    const frames = parseStack(hostile, '/srv/app');
    expect(frames).toHaveLength(200);
    expect(new Set(frames.map((f) => f.fn))).toEqual(new Set(['g']));
    expect(errorFingerprint('Error', hostile, '/srv/app')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('takes the root from the package.json nearest above the entry script', () => {
    const project = join(base, 'project');
    mkdirSync(join(project, 'dist', 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}');
    expect(serviceRoot(join(project, 'dist', 'src', 'server.js'), '/elsewhere')).toBe(project);
    expect(serviceRoot(undefined, '/elsewhere')).toBe('/elsewhere');
  });
});
