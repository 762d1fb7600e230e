import { createLogger } from '../../src';
import { errorFingerprint, processServiceRoot } from '../../src/core/serialize/fingerprint';
import { MemoryTransport } from '../../src/testing';

function logger(): { log: ReturnType<typeof createLogger>; records: () => Record<string, unknown>[] } {
  const memory = new MemoryTransport();
  const log = createLogger({ name: 'svc', capture: false, shutdown: false, warnings: false, transports: [{ type: 'custom', transport: memory }] });
  return { log, records: () => memory.records as unknown as Record<string, unknown>[] };
}

type Serialised = { type: string; message: string; stack: string; fingerprint: string; cause?: Serialised; errors?: Serialised[] };

/** Two sites: a site is a function (and its callers), not a line, so that a rebuild can move lines (docs/fingerprint.md). */
function loadFailure(id: number): Error {
  return new Error(`cannot load order ${id}`);
}
function saveFailure(id: number): Error {
  return new Error(`cannot save order ${id}`);
}
function failAt(site: 'load' | 'save', id: number): Error {
  return site === 'load' ? loadFailure(id) : saveFailure(id);
}

describe('fingerprints in serialised errors', () => {
  it('gives error() records one fingerprint per site, whatever the message, as the algorithm computes it', () => {
    const { log, records } = logger();
    log.error(failAt('load', 1));
    log.error(failAt('load', 2));
    log.error(failAt('save', 1));
    const [a, b, c] = records().map((r) => r['err'] as Serialised);
    expect(a!.fingerprint).toBe(b!.fingerprint);
    expect(a!.fingerprint).not.toBe(c!.fingerprint);
    expect(a!.fingerprint).toBe(errorFingerprint('Error', a!.stack, processServiceRoot(), a!.message));
  });

  it('fingerprints errors anywhere in the fields, each error of a cause chain and of an AggregateError', () => {
    const { log, records } = logger();
    const inner = failAt('load', 3);
    const outer = new Error('checkout failed', { cause: inner });
    const both = new AggregateError([failAt('load', 4), failAt('save', 4)], 'both failed');
    log.warn('retrying', { attempt: { last: outer }, both });
    const r = records()[0] as { attempt: { last: Serialised }; both: Serialised };
    const last = r.attempt.last;
    expect(last.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(last.cause!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(last.cause!.fingerprint).not.toBe(last.fingerprint);
    const [load, save] = r.both.errors!;
    expect(load!.fingerprint).toBe(last.cause!.fingerprint); // the same site as the cause
    expect(save!.fingerprint).not.toBe(load!.fingerprint);
    expect(r.both.fingerprint).not.toBe(load!.fingerprint);
  });

  it('counts the whole stack even when the limits cut the stack written', () => {
    const memory = new MemoryTransport();
    const log = createLogger({ name: 'svc', capture: false, shutdown: false, warnings: false, limits: { maxStringLength: 16 }, transports: [{ type: 'custom', transport: memory }] });
    const err = failAt('load', 5);
    log.error(err);
    const written = (memory.records[0] as unknown as { err: Serialised }).err;
    expect(written.stack.length).toBeLessThan(err.stack!.length);
    expect(written.fingerprint).toBe(errorFingerprint('Error', err.stack, processServiceRoot(), err.message));
  });

  it('keeps err for serialised errors: a field err that is not an Error is written as err_', () => {
    const { log, records } = logger();
    log.warn('retry', { err: 'ECONNRESET', attempt: 2 });
    log.info('nested', { upstream: { err: 'kept as it is below the top level' } });
    log.error(failAt('save', 6), { err: 'also a string' });
    const [retry, nested, withError] = records();
    expect(retry).toMatchObject({ err_: 'ECONNRESET', attempt: 2 });
    expect(retry).not.toHaveProperty('err');
    expect(nested).toMatchObject({ upstream: { err: 'kept as it is below the top level' } });
    expect(withError).toMatchObject({ err_: 'also a string', err: { type: 'Error', message: 'cannot save order 6' } });
  });
});
