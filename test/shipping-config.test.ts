import { resolveConfig } from '../src';

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
