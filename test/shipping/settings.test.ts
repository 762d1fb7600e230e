import { resolveConfig } from '../../src';

/** The startup error for one transport's options, or '' if they are accepted. */
function problem(transport: Record<string, unknown>): string {
  try {
    resolveConfig({ name: 'svc', transports: [transport] }, 'options');
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('shipping options refused at startup that were accepted before', () => {
  it('a spool cap under 256K (spool.maxBytes: 1 was accepted and dropped every record)', () => {
    for (const maxBytes of [1, '255K']) {
      expect(problem({ type: 'http', url: 'http://127.0.0.1:1/x', format: 'ndjson', spool: { maxBytes } })).toContain(
        `transports[0].spool.maxBytes: ${JSON.stringify(maxBytes)} is below 256K, the least a spool can work with`,
      );
    }
    expect(problem({ type: 'http', url: 'http://127.0.0.1:1/x', format: 'ndjson', spool: { maxBytes: '256K' } })).toBe('');
  });

  it('a syslog host that is not a host name or address ("a b" was accepted and failed at every connect)', () => {
    for (const host of ['a b', 'logs..internal', '-logs', 'logs\ninternal', '']) {
      expect(problem({ type: 'syslog', host, protocol: 'tcp' })).toContain(`transports[0].host: ${JSON.stringify(host)} is not a host name or IP address`);
    }
    for (const host of ['logs.internal', 'localhost', '127.0.0.1', '::1', 'fe80::1', 'syslog-1.example.com.']) {
      expect(problem({ type: 'syslog', host, protocol: 'tcp' })).toBe('');
    }
  });
});

describe('syslog batch.interval', () => {
  it('is accepted from "0s" (send every append at once) to "10m", and a negative, fractional or longer value is refused naming the key', () => {
    for (const interval of ['0s', '100ms', '10m']) expect(problem({ type: 'syslog', host: 'logs.internal', protocol: 'tcp', batch: { interval } })).toBe('');
    for (const interval of ['-1ms', '1.5s', '600001ms']) {
      expect(problem({ type: 'syslog', host: 'logs.internal', protocol: 'tcp', batch: { interval } })).toContain(`transports[0].batch.interval: "${interval}"`);
    }
  });
});

describe('spool.shedAt and spool.whenFull', () => {
  const http = (spool: Record<string, unknown>): Record<string, unknown> => ({ type: 'http', url: 'http://127.0.0.1:1/x', format: 'ndjson', spool });

  it('default to 0.8 and "drop-newest", filled in the resolved configuration', () => {
    const resolved = resolveConfig({ name: 'svc', transports: [http({})] }, 'options');
    expect(resolved.transports[0]).toMatchObject({ spool: { shedAt: 0.8, whenFull: 'drop-newest' } });
    expect(problem({ type: 'syslog', host: 'logs.internal', protocol: 'tcp', spool: { shedAt: 0.5, whenFull: 'drop-oldest' } })).toBe('');
  });

  it('shedAt takes a fraction above 0 and at most 1; anything else fails at startup naming the key, the value and what is allowed', () => {
    for (const shedAt of [0.01, 0.5, 0.8, 1]) expect(problem(http({ shedAt }))).toBe('');
    for (const shedAt of [0, -0.5, 1.5, 80]) {
      expect(problem(http({ shedAt }))).toContain(
        `transports[0].spool.shedAt: ${shedAt} is not a fraction of spool.maxBytes above 0 and at most 1, like 0.8 (1: no shedding before the cap)`,
      );
    }
    expect(problem(http({ shedAt: '80%' }))).toContain('transports[0].spool.shedAt: "80%" is a string; expected a fraction of spool.maxBytes above 0 and at most 1, like 0.8');
  });

  it('whenFull takes "drop-newest" or "drop-oldest"', () => {
    for (const whenFull of ['drop-newest', 'drop-oldest']) expect(problem(http({ whenFull }))).toBe('');
    expect(problem(http({ whenFull: 'drop' }))).toContain('transports[0].spool.whenFull: "drop" is not one of drop-newest, drop-oldest');
    expect(problem(http({ whenFull: true }))).toContain('transports[0].spool.whenFull: true is a boolean; expected one of drop-newest, drop-oldest');
  });
});
