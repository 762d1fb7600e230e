import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from '../../src/core/config/ConfigError';
import { urlWithoutSecrets } from '../../src/core/serialize/urlSecrets';
import { nonEmpty } from '../../src/core/plainValues';

/** The variables read, as curl reads them: the lower-case spelling first. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

const PROXY_PROTOCOLS = new Set(['http:', 'https:']);

function parseProxyUrl(text: string): URL | undefined {
  // As curl does, a proxy given without a scheme is an http:// one.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const url = new URL(withScheme);
    return PROXY_PROTOCOLS.has(url.protocol) && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The http transport's `proxy` option: a proxy URL that overrides
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY for this transport, or `false` to send
 * directly whatever the environment says.
 */
export const proxyOptionSchema = z
  .custom<string | false>((v) => v === false || (typeof v === 'string' && parseProxyUrl(v) !== undefined), {
    error: 'is not an http:// or https:// proxy URL, nor false',
  })
  .optional();

/**
 * The proxy URL (credentials included) the requests to `target` go through,
 * or undefined to connect directly. The `proxy` option wins; without it the
 * environment decides as it does for curl: https_proxy or HTTPS_PROXY for an
 * https:// target, http_proxy or HTTP_PROXY for an http:// one, unless
 * no_proxy or NO_PROXY names the target (see `bypassesProxy`). A proxy
 * variable that is not an http:// or https:// URL is a ConfigError at
 * startup, which names the variable but not its value (it may hold a
 * password).
 */
export function proxyFor(target: URL, option: string | false | undefined, env: ProxyEnvironment): string | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return parseProxyUrl(option)?.href;
  const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const name = names.find((n) => nonEmpty(env[n]) !== undefined);
  if (name === undefined || bypassesProxy(target, nonEmpty(env['no_proxy']) ?? nonEmpty(env['NO_PROXY']))) return undefined;
  const text = nonEmpty(env[name])!;
  const url = parseProxyUrl(text);
  if (url === undefined) {
    let shown = '';
    try {
      shown = ` (${urlWithoutSecrets(new URL(text))})`;
    } catch {
      // not a URL at all: nothing of it is shown
    }
    throw new ConfigError('environment', [`${name}: the proxy for ${target.protocol}// requests${shown} is not an http:// or https:// URL`]);
  }
  return url.href;
}

/**
 * Whether NO_PROXY exempts `target` from the proxy, matched as curl matches
 * it (docs/design.md, "Proxies"): a comma-separated list of `*` (every host), host names, domains (which
 * match themselves and every name under them; a leading `.` or `*.` is
 * ignored), IP addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`); any of
 * them may end in `:port` to match that port only. Case and a trailing dot do
 * not matter.
 */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = hostOf(target.hostname);
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { name, port: entryPort } = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name.includes('/')) {
      if (inRange(host, name)) return true;
    } else if (isIP(host) !== 0) {
      if (host === hostOf(name)) return true;
    } else {
      const domain = hostOf(name.replace(/^\*?\./, ''));
      if (domain !== '' && (host === domain || host.endsWith(`.${domain}`))) return true;
    }
  }
  return false;
}

/** Lower case, without the brackets of an IPv6 address or a trailing dot. */
function hostOf(name: string): string {
  return name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** `host:port`, `[v6]:port`, `[v6]`, a bare IPv6 address (no port), `range/bits:port`. */
function splitPort(entry: string): { name: string; port: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, port: bracketed[2] };
  const colon = entry.lastIndexOf(':');
  if (colon < 0 || entry.indexOf(':') !== colon || !/^\d+$/.test(entry.slice(colon + 1))) return { name: entry, port: undefined };
  return { name: entry.slice(0, colon), port: entry.slice(colon + 1) };
}

/** Whether an IP address lies in a CIDR range; a host name or a malformed range never does. */
function inRange(host: string, range: string): boolean {
  const family = isIP(host);
  const [network = '', bits = ''] = range.split('/');
  if (family === 0 || isIP(network) !== family || !/^\d+$/.test(bits)) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  try {
    list.addSubnet(network, Number(bits), type);
  } catch {
    return false; // a prefix too long for the family
  }
  return list.check(host, type);
}

