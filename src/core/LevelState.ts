import { parseDuration } from './config/parseDuration';
import { LEVEL_SETTINGS, levelValue, parseLevelSetting, type LevelSetting } from './levels';
import { isModuleName, moduleAndParents, MODULE_NAME_WORDS } from './moduleName';

/**
 * The live minimum of one module (or of the root): every logger of that
 * module holds the same cell and reads `min` on each call, so a change costs
 * one recomputation per module and a call costs one property read.
 */
export interface LevelCell {
  min: number;
}

/** Who changed a level: the `source` of the `level changed` record. */
export type LevelChangeSource = 'api' | 'http' | 'signal';

export interface SetLevelOptions {
  /** Change this module's entry (and so its submodules') instead of the root level. */
  readonly module?: string;
  /** Restore the value before the change after this long: "10m", or milliseconds. */
  readonly ttl?: string | number;
}

/** What changed, for the `level changed` and `level restored` records. */
export interface LevelChange {
  readonly module: string | undefined;
  readonly from: LevelSetting;
  readonly to: LevelSetting;
  readonly source: LevelChangeSource | 'ttl';
  readonly ttlMs: number | undefined;
}

/** The configured levels, as health() and the level endpoint show them. */
export interface LevelSnapshot {
  /** The root level. */
  readonly level: LevelSetting;
  /** Per-module levels, by module name. */
  readonly levels: Readonly<Record<string, LevelSetting>>;
  /** When temporary changes expire (ISO 8601): the root's under `level`, modules' under `levels`. */
  readonly expires: { readonly level?: string; readonly levels: Readonly<Record<string, string>> };
}

interface Expiry {
  readonly timer: NodeJS.Timeout;
  readonly at: number;
  /** The value to restore: the last one set without a ttl (undefined: the module had no entry). */
  readonly restore: LevelSetting | undefined;
}

const ROOT = '';

/**
 * The level state a logger tree shares: the root level, the per-module
 * table, and the cells loggers read. Changes recompute every cell at once
 * (modules are few; calls are many). `floor` is the lowest level any
 * transport takes: below it nothing can be written, so no cell goes lower.
 */
export class LevelState {
  private root: LevelSetting;
  private readonly table = new Map<string, LevelSetting>();
  private readonly cells = new Map<string, LevelCell>();
  private readonly expiries = new Map<string, Expiry>();
  /** The entries the last toggleDebug() turned to debug, for the next one to restore. */
  private readonly signalled = new Set<string>();

  constructor(
    root: LevelSetting,
    modules: Readonly<Record<string, LevelSetting>>,
    private readonly floor: number,
    private readonly onChange: (change: LevelChange) => void,
  ) {
    this.root = root;
    for (const [name, level] of Object.entries(modules)) this.table.set(name, level);
  }

  /** The cell of a module ("" for the root), made on first use. */
  cell(module: string): LevelCell {
    let cell = this.cells.get(module);
    if (cell === undefined) {
      cell = { min: this.minOf(module) };
      this.cells.set(module, cell);
    }
    return cell;
  }

  /**
   * Changes the root level or a module's entry. Throws a RangeError naming
   * the argument for a level, module or ttl that is not one: this is set-up
   * code, and a wrong call must not pass silently.
   */
  set(level: LevelSetting, options: SetLevelOptions = {}, source: LevelChangeSource = 'api'): void {
    const to = typeof level === 'string' ? parseLevelSetting(level) : undefined;
    if (to === undefined) throw new RangeError(`setLevel: level ${JSON.stringify(level)} is not one of ${LEVEL_SETTINGS.join(', ')}`);
    const module = options.module;
    if (module !== undefined && !isModuleName(module)) throw new RangeError(`setLevel: module ${JSON.stringify(module)} is not a module name: ${MODULE_NAME_WORDS}`);
    const ttlMs = options.ttl === undefined ? undefined : ttlOf(options.ttl);
    const key = module ?? ROOT;
    const pending = this.expiries.get(key);
    const permanent = pending ? pending.restore : this.entry(key);
    this.cancelExpiry(key);
    const from = this.configured(module);
    this.put(key, to);
    if (ttlMs !== undefined) {
      const timer = setTimeout(() => this.expire(key), ttlMs);
      timer.unref();
      this.expiries.set(key, { timer, at: Date.now() + ttlMs, restore: permanent });
    }
    this.onChange({ module, from, to, source, ttlMs });
  }

  /**
   * Debug for the whole tree for `ttlMs`, or, when a temporary debug is on
   * already, back to the level before it: one signal turns it on, the next off.
   */
  toggleDebug(ttlMs: number, source: LevelChangeSource): void {
    const on = [...this.signalled].filter((key) => this.expiries.has(key));
    this.signalled.clear();
    if (on.length > 0) {
      for (const key of on) this.expire(key);
      return;
    }
    // The root and every module entry, so a module configured above debug gets it too.
    for (const key of [ROOT, ...this.table.keys()]) {
      this.set('debug', key === ROOT ? { ttl: ttlMs } : { module: key, ttl: ttlMs }, source);
      this.signalled.add(key);
    }
  }

  snapshot(): LevelSnapshot {
    const levels: Record<string, LevelSetting> = {};
    for (const [name, level] of [...this.table].sort(([a], [b]) => a.localeCompare(b))) levels[name] = level;
    const expiresLevels: Record<string, string> = {};
    let rootExpires: string | undefined;
    for (const [key, { at }] of this.expiries) {
      const iso = new Date(at).toISOString();
      if (key === ROOT) rootExpires = iso;
      else expiresLevels[key] = iso;
    }
    return { level: this.root, levels, expires: rootExpires === undefined ? { levels: expiresLevels } : { level: rootExpires, levels: expiresLevels } };
  }

  /** Stops the ttl timers (the logger is closing): nothing is restored after that. */
  dispose(): void {
    for (const key of [...this.expiries.keys()]) this.cancelExpiry(key);
  }

  /** The level a module gets from the table or the root, before the floor. */
  private configured(module: string | undefined): LevelSetting {
    if (module === undefined || module === ROOT) return this.root;
    for (const name of moduleAndParents(module)) {
      const level = this.table.get(name);
      if (level !== undefined) return level;
    }
    return this.root;
  }

  private expire(key: string): void {
    const expiry = this.expiries.get(key);
    if (expiry === undefined) return;
    // Called early (toggleDebug) as well as by the timer: a stale timer must not restore a later change.
    clearTimeout(expiry.timer);
    this.expiries.delete(key);
    const module = key === ROOT ? undefined : key;
    const from = this.configured(module);
    this.put(key, expiry.restore);
    this.onChange({ module, from, to: this.configured(module), source: 'ttl', ttlMs: undefined });
  }

  private cancelExpiry(key: string): void {
    const expiry = this.expiries.get(key);
    if (expiry === undefined) return;
    clearTimeout(expiry.timer);
    this.expiries.delete(key);
  }

  private entry(key: string): LevelSetting | undefined {
    return key === ROOT ? this.root : this.table.get(key);
  }

  /** Sets (or, for a module, removes with undefined) an entry and recomputes every cell. */
  private put(key: string, level: LevelSetting | undefined): void {
    if (key === ROOT) this.root = level ?? this.root;
    else if (level === undefined) this.table.delete(key);
    else this.table.set(key, level);
    for (const [module, cell] of this.cells) cell.min = this.minOf(module);
  }

  private minOf(module: string): number {
    return Math.max(this.floor, levelValue(this.configured(module)));
  }
}

function ttlOf(ttl: string | number): number {
  const ms = typeof ttl === 'number' ? ttl : parseDuration(ttl);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms <= 0 || ms > 2_147_483_647) {
    throw new RangeError(`setLevel: ttl ${JSON.stringify(ttl)} is not a duration like "10m" (or a positive number of milliseconds up to 24 days)`);
  }
  return ms;
}
