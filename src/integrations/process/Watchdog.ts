import type { Logger } from '../../core/Logger';
import { formatSize } from '../../core/config/formatSize';
import type { WatchdogConfig } from '../readinessOptions';
import { diskFree, memoryAvailable } from './systemResources';

/** What the watchdog measures; tests replace it to drive every branch without loading the machine. */
export interface WatchdogProbes {
  /** Event-loop delay since the last call, in ms; the measurement restarts. */
  eventLoopDelay(): { readonly p99Ms: number; readonly maxMs: number };
  heap(): { readonly used: number; readonly limit: number };
  rss(): number;
  memoryAvailable(): number;
  diskFree(path: string): number | undefined;
  stop(): void;
}

export function systemProbes(): WatchdogProbes {
  // Required here, not imported: the watchdog is off by default, and importing prodlog need not load them.
  const { monitorEventLoopDelay } = require('node:perf_hooks') as typeof import('node:perf_hooks');
  const { getHeapStatistics } = require('node:v8') as typeof import('node:v8');
  // perf_hooks samples the loop on its own timer: no work on the logging path.
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    eventLoopDelay() {
      const delay = { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
      histogram.reset();
      return delay;
    },
    heap() {
      const h = getHeapStatistics();
      return { used: h.used_heap_size, limit: h.heap_size_limit };
    },
    rss: () => process.memoryUsage.rss(),
    memoryAvailable,
    diskFree,
    stop: () => histogram.disable(),
  };
}

export interface WatchdogSettings extends Omit<WatchdogConfig, 'enabled'> {
  /** The folder whose file system is watched when `diskFree` names no path: the log folder. */
  readonly logFolder: string;
}

/**
 * Warns before a condition becomes an error: a slow event loop (category
 * `performance`), a heap or RSS near its limit, or little free disk space
 * (category `resource`). Each condition is warned about at most once per
 * `repeatMs` while it lasts, so a full disk gives one record every few
 * minutes, not one per check. It never throws: a probe that fails skips
 * that check.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastWarned = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly settings: WatchdogSettings,
    private readonly probes: WatchdogProbes = systemProbes(),
    private readonly now: () => number = Date.now,
  ) {}

  start(): this {
    this.timer ??= setInterval(() => this.check(), this.settings.intervalMs);
    // A watchdog must never be the reason a process stays up.
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.probes.stop();
  }

  /** One look at every configured condition. */
  check(): void {
    for (const look of [this.eventLoop, this.heap, this.rss, this.disk]) {
      try {
        look.call(this);
      } catch {
        // a probe the platform lacks; the other checks still run
      }
    }
  }

  private eventLoop(): void {
    const thresholdMs = this.settings.eventLoopDelayMs;
    if (thresholdMs === 0) return;
    const { p99Ms, maxMs } = this.probes.eventLoopDelay();
    if (p99Ms <= thresholdMs) return;
    this.warn('eventLoop', `event loop delay is high: p99 ${Math.round(p99Ms)} ms, over ${thresholdMs} ms`, {
      category: 'performance',
      p99Ms: round(p99Ms),
      maxMs: round(maxMs),
      thresholdMs,
    });
  }

  private heap(): void {
    const threshold = this.settings.heapUsed;
    if (threshold === 0) return;
    const { used, limit } = this.probes.heap();
    if (used <= threshold * limit) return;
    this.warn('heap', `heap is near its limit: ${formatSize(used)} of ${formatSize(limit)} in use`, {
      category: 'resource',
      resource: 'heap',
      used,
      limit,
      threshold,
    });
  }

  private rss(): void {
    const setting = this.settings.rss;
    if (!setting) return;
    const limit = 'bytes' in setting ? setting.bytes : Math.floor(setting.fraction * this.probes.memoryAvailable());
    const rss = this.probes.rss();
    if (rss <= limit) return;
    this.warn('rss', `memory in use is near its limit: RSS ${formatSize(rss)}, limit ${formatSize(limit)}`, {
      category: 'resource',
      resource: 'memory',
      rss,
      limit,
    });
  }

  private disk(): void {
    const setting = this.settings.diskFree;
    if (!setting) return;
    const path = setting.path ?? this.settings.logFolder;
    const free = this.probes.diskFree(path);
    if (free === undefined || free >= setting.min) return;
    this.warn('disk', `free disk space is low on ${path}: ${formatSize(free)}, below ${formatSize(setting.min)}`, {
      category: 'resource',
      resource: 'disk',
      path,
      free,
      min: setting.min,
    });
  }

  private warn(condition: string, msg: string, fields: Record<string, unknown>): void {
    const now = this.now();
    const last = this.lastWarned.get(condition);
    if (last !== undefined && now - last < this.settings.repeatMs) return;
    this.lastWarned.set(condition, now);
    this.log.warn(msg, fields);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
