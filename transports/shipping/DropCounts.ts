import { LEVEL_NAMES, type LevelName } from '../../src/core/levels';
import type { DropReason, DroppedBy, LevelCounts } from '../../src/core/transport';

export const DROP_REASONS: readonly DropReason[] = ['shed', 'full', 'oldest', 'closed'];
const REASON_INDEX: Readonly<Record<DropReason, number>> = { shed: 0, full: 1, oldest: 2, closed: 3 };

/** Slots per reason: the five levels in order, then records of no known level. */
const SLOTS = LEVEL_NAMES.length + 1;
const UNKNOWN = LEVEL_NAMES.length;

/** Records by level name, only the levels that have any ({ info: 200 }; `unknown` for a record whose level is none of the five). */
export type LevelTally = Partial<Record<LevelName | 'unknown', number>>;

/** The slot of a numeric level (20 debug ... 60 fatal), or the unknown slot. */
function slotOf(level: number): number {
  const i = level / 10 - 2;
  return Number.isInteger(i) && i >= 0 && i < UNKNOWN ? i : UNKNOWN;
}

function slotOfName(name: string): number {
  const i = LEVEL_NAMES.indexOf(name as LevelName);
  return i < 0 ? UNKNOWN : i;
}

/**
 * The records a shipping transport dropped, by reason and level, on the
 * service's thread: `health().droppedBy`, `/metrics`, and the counts the
 * warn record and the stderr warning name. It keeps two sets of figures:
 * everything since the start, and what the last warn record has not told yet.
 */
export class DropCounts {
  private readonly all = new Float64Array(DROP_REASONS.length * SLOTS);
  private readonly untoldCounts = new Float64Array(DROP_REASONS.length * SLOTS);
  /** Records dropped and not yet in a warn record. */
  unannounced = 0;

  /** One record of numeric `level` dropped for `reason`. */
  add(reason: DropReason, level: number): void {
    this.addAt(REASON_INDEX[reason] * SLOTS + slotOf(level), 1);
  }

  /** Records of the levels named in `tally` dropped for `reason`; the total. */
  addTally(reason: DropReason, tally: Readonly<LevelTally>): number {
    const base = REASON_INDEX[reason] * SLOTS;
    let total = 0;
    for (const [name, n] of Object.entries(tally)) {
      if (!n) continue;
      this.addAt(base + slotOfName(name), n);
      total += n;
    }
    return total;
  }

  /** Everything since the start. */
  snapshot(): DroppedBy {
    const out: Record<string, LevelCounts> = {};
    DROP_REASONS.forEach((reason, r) => (out[reason] = levelCounts(this.all, r * SLOTS)));
    return out as unknown as DroppedBy;
  }

  /**
   * What the next warn record tells: per reason that dropped anything since
   * the last one, the levels that did (`{ shed: { debug: 10, info: 5 } }`).
   */
  untold(): Partial<Record<DropReason, LevelTally>> {
    const out: Partial<Record<DropReason, LevelTally>> = {};
    DROP_REASONS.forEach((reason, r) => {
      const levels = nonZero(this.untoldCounts, r * SLOTS);
      if (levels) out[reason] = levels;
    });
    return out;
  }

  /** A warn record told them. */
  told(): void {
    this.untoldCounts.fill(0);
    this.unannounced = 0;
  }

  /** "shed 15 (debug 10, info 5), full 3 (warn 3)": every reason that dropped anything since the start. */
  describe(): string {
    const parts: string[] = [];
    DROP_REASONS.forEach((reason, r) => {
      const levels = nonZero(this.all, r * SLOTS);
      if (!levels) return;
      const entries = Object.entries(levels);
      parts.push(`${reason} ${entries.reduce((n, [, v]) => n + v, 0)} (${entries.map(([l, v]) => `${l} ${v}`).join(', ')})`);
    });
    return parts.join(', ');
  }

  private addAt(slot: number, n: number): void {
    this.all[slot] = (this.all[slot] ?? 0) + n;
    this.untoldCounts[slot] = (this.untoldCounts[slot] ?? 0) + n;
    this.unannounced += n;
  }
}

function levelCounts(counts: Float64Array, base: number): LevelCounts {
  const out: Record<string, number> = {};
  LEVEL_NAMES.forEach((name, i) => (out[name] = counts[base + i] as number));
  const unknown = counts[base + UNKNOWN] as number;
  if (unknown > 0) out['unknown'] = unknown;
  return out as unknown as LevelCounts;
}

/** The levels with a count at `base`, or undefined if none has. */
function nonZero(counts: Float64Array, base: number): LevelTally | undefined {
  let out: LevelTally | undefined;
  for (let i = 0; i < SLOTS; i++) {
    const n = counts[base + i] as number;
    if (n > 0) (out ??= {})[i === UNKNOWN ? 'unknown' : (LEVEL_NAMES[i] as LevelName)] = n;
  }
  return out;
}
