import { resolveConfig } from '../../../src/config/loadConfig';
import { ConfigError } from '../../../src/core/config/ConfigError';
import { bypassesProxy, proxyFor } from '../../../transports/http/proxy';

const HTTPS = new URL('https://logs.example.com/v1/logs');
const HTTP = new URL('http://logs.example.com:8123/');

describe('which proxy an http transport uses', () => {
  it('takes HTTPS_PROXY for https:// and HTTP_PROXY for http:// targets, the lower-case spelling first', () => {
    const env = { HTTPS_PROXY: 'http://upper-s:3128', https_proxy: 'http://lower-s:3128', HTTP_PROXY: 'http://upper:3128' };
    expect(proxyFor(HTTPS, undefined, env)).toBe('http://lower-s:3128/');
    expect(proxyFor(HTTP, undefined, env)).toBe('http://upper:3128/');
    expect(proxyFor(HTTP, undefined, { HTTPS_PROXY: 'http://s:3128' })).toBeUndefined();
    expect(proxyFor(HTTPS, undefined, { HTTP_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(proxyFor(HTTPS, undefined, { HTTPS_PROXY: '  ' })).toBeUndefined();
  });

  it('reads a proxy without a scheme as http://, as curl does, and keeps its credentials for the tunnel', () => {
    expect(proxyFor(HTTPS, undefined, { HTTPS_PROXY: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128/');
    expect(proxyFor(HTTPS, undefined, { HTTPS_PROXY: 'https://u:p%40ss@proxy.corp' })).toBe('https://u:p%40ss@proxy.corp/');
  });

  it('lets the proxy option override the environment: a URL, or false for none', () => {
    const env = { HTTPS_PROXY: 'http://env:3128', NO_PROXY: 'logs.example.com' };
    expect(proxyFor(HTTPS, 'http://option:8080', env)).toBe('http://option:8080/');
    expect(proxyFor(HTTPS, false, env)).toBeUndefined();
    expect(proxyFor(HTTPS, false, { HTTPS_PROXY: 'http://env:3128' })).toBeUndefined();
  });

  it('refuses a proxy variable that is not an http:// or https:// URL at startup, naming the variable but not the password', () => {
    let error: unknown;
    try {
      proxyFor(HTTPS, undefined, { HTTPS_PROXY: 'socks5://user:s3cret@proxy:1080' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('HTTPS_PROXY: the proxy for https:// requests (socks5://proxy:1080) is not an http:// or https:// URL');
    expect((error as Error).message).not.toContain('s3cret');
  });

  it.each([
    ['*', true],
    ['logs.example.com', true],
    ['LOGS.Example.COM.', true],
    ['example.com', true],
    ['.example.com', true],
    ['*.example.com', true],
    ['other.com, example.com', true],
    ['other.com example.com', true],
    ['ample.com', false],
    ['s.example.com', false],
    ['logs.example.com:443', true],
    ['logs.example.com:8443', false],
    ['other.com', false],
    ['', false],
  ])('NO_PROXY=%j exempts https://logs.example.com: %s', (noProxy, exempt) => {
    expect(bypassesProxy(HTTPS, noProxy)).toBe(exempt);
    expect(proxyFor(HTTPS, undefined, { HTTPS_PROXY: 'http://p:3128', NO_PROXY: noProxy })).toBe(exempt ? undefined : 'http://p:3128/');
  });

  it.each([
    ['http://10.1.2.3:9000/', '10.1.2.3', true],
    ['http://10.1.2.3:9000/', '10.1.2.3:9000', true],
    ['http://10.1.2.3:9000/', '10.1.2.3:80', false],
    ['http://10.1.2.3:9000/', '10.0.0.0/8', true],
    ['http://10.1.2.3:9000/', '10.1.2.0/24:9000', true],
    ['http://11.1.2.3/', '10.0.0.0/8', false],
    ['http://10.1.2.3/', '2.3', false],
    ['http://[::1]:8123/', '::1', true],
    ['http://[::1]:8123/', '[::1]:8123', true],
    ['http://[::1]:8123/', '[::1]:9000', false],
    ['http://[fd00::5]/', 'fd00::/8', true],
    ['http://localhost:8123/', '127.0.0.1', false],
    ['http://localhost:8123/', 'localhost', true],
  ])('NO_PROXY exempts %s by %j: %s', (url, noProxy, exempt) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(exempt);
  });

  it('is an option of the http transport, checked at startup, its credentials never quoted', () => {
    const transport = (proxy: unknown): unknown => ({ transports: [{ type: 'http', url: 'https://logs.example.com/', format: 'ndjson', proxy }] });
    const proxyOf = (proxy: unknown): unknown => (resolveConfig(transport(proxy), 'options', {}).transports[0] as { proxy?: unknown }).proxy;
    expect(proxyOf('http://proxy:3128')).toBe('http://proxy:3128');
    expect(proxyOf(false)).toBe(false);
    expect(proxyOf(undefined)).toBeUndefined();
    for (const bad of ['socks5://user:pw-in-proxy@proxy:1080', true, 'http://']) {
      expect(() => resolveConfig(transport(bad), 'options', {})).toThrow(/transports\[0\]\.proxy: .* is not an http:\/\/ or https:\/\/ proxy URL, nor false/);
    }
    expect(() => resolveConfig(transport('socks5://user:pw-in-proxy@proxy:1080'), 'options', {})).toThrow(/^(?![\s\S]*pw-in-proxy)/);
  });
});
