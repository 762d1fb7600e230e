import { ConfigError } from './core/config/ConfigError';
import { formatPath, quote } from './core/config/describeIssues';
import { formatSizeExactly } from './core/config/formatSize';
import { formatDuration } from './core/config/parseDuration';
import { LEVELS } from './core/levels';
import { crashBeingRecorded } from './core/processHooks';
import { withoutSecrets } from './core/serialize/withoutSecrets';
import type { SharedResource, Transport, TransportHealth } from './core/transport';
import { isPlainObject } from './core/plainValues';

/** A file or spool open in this process, and the loggers using it. */
interface OpenResource {
  readonly resource: SharedResource;
  readonly transport: Transport;
  /** The name of the logger that opened it, for the message when another one disagrees. */
  readonly openedBy: string;
  /** Loggers whose handle is not closed yet; the last one to close closes the transport. */
  users: number;
  /** The last crash whose record this transport took (see crashBeingRecorded). */
  crashRecorded: number;
}

/** Per copy of prodlog: a second copy's loggers meet this one's at the lock, as another process would. */
const openResources = new Map<string, OpenResource>();

/** Where the options of the transport being opened stand, for messages: `transports[1]`, from "options". */
export interface TransportSite {
  readonly loggerName: string;
  /** `transports[1]`. */
  readonly at: string;
  /** The ConfigError's source: the config file's path, or "options". */
  readonly source: string;
}

/**
 * The transport for one entry of a logger's `transports`: when the options
 * name a file or a spool that a transport of this process already holds,
 * that instance, shared (reference-counted: each logger's close() lets go of
 * it, the last one closes it); else a new instance, which later loggers may
 * share. Two loggers that disagree on the resource's settings (two rotation
 * policies for one file, two destinations for one spool) fail at startup
 * with a ConfigError naming the key, both values and why.
 */
export function openTransport(resource: SharedResource | undefined, site: TransportSite, create: () => Transport): Transport {
  if (resource === undefined) return create();
  const existing = openResources.get(resource.key);
  if (existing !== undefined) {
    const problem = disagreement(existing, resource, site);
    if (problem !== undefined) throw new ConfigError(site.source, [problem]);
    existing.users++;
    return new SharedTransport(existing);
  }
  const entry: OpenResource = { resource, transport: create(), openedBy: site.loggerName, users: 1, crashRecorded: 0 };
  openResources.set(resource.key, entry);
  return new SharedTransport(entry);
}

/**
 * One logger's hold on a transport that other loggers of the process may
 * share. Everything goes to the transport; `close()` only lets go of it
 * until the last holder closes. FATAL from any holder makes it durable and
 * drains it; a crash record reaches it once, from the first logger that
 * writes one.
 */
class SharedTransport implements Transport {
  readonly type: string;
  readonly name: string;
  declare readonly waitDelivered?: NonNullable<Transport['waitDelivered']>;
  private closing: Promise<void> | undefined;

  constructor(private readonly entry: OpenResource) {
    const transport = entry.transport;
    this.type = transport.type;
    this.name = transport.name;
    // Only shippers have it, and the logger asks whether a transport does.
    if (transport.waitDelivered) (this as { waitDelivered?: Transport['waitDelivered'] }).waitDelivered = (timeoutMs: number) => transport.waitDelivered!(timeoutMs);
  }

  write(line: string, level: number): void {
    if (level >= LEVELS.fatal) {
      const crash = crashBeingRecorded();
      if (crash !== 0) {
        if (this.entry.crashRecorded === crash) return;
        this.entry.crashRecorded = crash;
      }
    }
    // After this logger's close() too: only FATAL gets here then, and the transport takes it while another logger holds it.
    this.entry.transport.write(line, level);
  }

  flush(): Promise<void> {
    return this.entry.transport.flush();
  }

  flushSync(): void {
    this.entry.transport.flushSync();
  }

  drainBeforeExit(deadline: number): void {
    this.entry.transport.drainBeforeExit?.(deadline);
  }

  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  health(): TransportHealth {
    const health = this.entry.transport.health();
    return this.entry.users > 1 ? { ...health, sharedBy: this.entry.users } : health;
  }

  private release(): Promise<void> {
    const entry = this.entry;
    entry.users--;
    if (entry.users > 0) return Promise.resolve();
    if (openResources.get(entry.resource.key) === entry) openResources.delete(entry.resource.key);
    return entry.transport.close();
  }
}

/** The first setting two loggers give differently for one resource, as a problem line; undefined when they agree. */
function disagreement(existing: OpenResource, wanted: SharedResource, site: TransportSite): string | undefined {
  const path = firstDifference(existing.resource.settings, wanted.settings, []);
  if (path === undefined) return undefined;
  // Values as a user writes them, secrets hidden: a header or a URL's password is never printed.
  const here = shownAt(wanted.settings, path);
  const there = shownAt(existing.resource.settings, path);
  const values = here === there ? 'differs from the value (not shown: it is secret)' : `${here} here, ${there}`;
  const written = path[0] === 'loggerName' ? 'name' : formatPath(writtenPath(path));
  const key = path[0] === 'loggerName' ? 'name' : `${site.at}.${written}`;
  return (
    `${key}: ${values} in the logger "${existing.openedBy}" that opened ${wanted.describe} first. ` +
    `Loggers of one process share it only if they agree, since ${wanted.whyAgree}: give both the same ${written}, or each its own ${ownKey(wanted)}`
  );
}

function ownKey(resource: SharedResource): string {
  return resource.key.startsWith('spool:') ? 'spool.dir' : 'path';
}

function firstDifference(a: unknown, b: unknown, path: readonly PropertyKey[]): readonly PropertyKey[] | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], [...path, i]);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[key], b[key], [...path, key]);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return path;
}

/** The value at `path` as messages show it: secrets hidden, milliseconds and bytes in units. */
function shownAt(settings: Readonly<Record<string, unknown>>, path: readonly PropertyKey[]): string {
  let value: unknown = withoutSecrets(settings);
  for (const part of path) value = isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  const key = String(path.at(-1) ?? '');
  if (typeof value === 'number' && key.endsWith('Ms')) return quote(formatDuration(value));
  if (typeof value === 'number' && key.endsWith('Bytes')) return quote(formatSizeExactly(value));
  return value === undefined ? '(not set)' : quote(value);
}

/** `batch.intervalMs` as it is written: `batch.interval`. */
function writtenPath(path: readonly PropertyKey[]): PropertyKey[] {
  return path.map((part, i) => (i === path.length - 1 && typeof part === 'string' && part.endsWith('Ms') && part.length > 2 ? part.slice(0, -2) : part));
}
