import { createLogger } from '../../../src';
import { ConfigError } from '../../../src/core/config/ConfigError';

describe('syslog configuration', () => {
  const make = (t: Record<string, unknown>): unknown => createLogger({ transports: [{ type: 'syslog', host: '127.0.0.1', protocol: 'relp', ...t } as never] });
  const problems = (t: Record<string, unknown>): string => {
    try {
      make(t);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.join('\n');
      throw err;
    }
    return '';
  };

  it('names the key, the value and what is allowed', () => {
    expect(problems({ protocol: 'udp' })).toBe('transports[0].protocol: "udp" is not one of tcp, tls, relp');
    expect(problems({ facility: 'local9' })).toMatch(/^transports\[0\]\.facility: "local9" is not one of kern, user/);
    expect(problems({ spool: { maxBytes: 'lots' } })).toBe('transports[0].spool.maxBytes: "lots" is not a size like "256M" (digits and one of K, M, G, T)');
    expect(problems({ protocol: 'tcp', tls: { caFile: '/x' } })).toMatch(/^transports\[0\]\.tls: .* use protocol "tls"/);
    expect(problems({ structuredData: { 'bad id': { a: 'b' } } })).toBe('transports[0].structuredData.bad id: {"a":"b"} is under a key that is not an SD-NAME (1-32 printable ASCII characters, none of = ] " or space)');
    expect(problems({ hots: 'x' })).toMatch(/unknown key "hots"; allowed keys: type, level, host, port, protocol/);
  });

  it('a TLS CA file that cannot be read fails at startup', () => {
    expect(() => make({ protocol: 'tls', tls: { caFile: '/nonexistent/ca.pem' } })).toThrow(/tls\.caFile: "\/nonexistent\/ca\.pem" cannot be read/);
  });
});
