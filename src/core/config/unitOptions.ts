import { z } from 'zod';
import { formatSizeExactly } from './formatSize';
import { formatDuration, parseDurationOrZero } from './parseDuration';
import { parseSize } from './parseSize';
import { strictOptions } from './schemaHelpers';
import { NOTICES, type LocalNotice } from './deprecatedSpellings';

export { DEPRECATED_SPELLINGS_REMOVED_IN, deprecatedSpellings, type DeprecatedSpelling } from './deprecatedSpellings';

/** A duration key: bounds and default in milliseconds. */
export interface DurationSpec {
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}

/** A size key that once took a bare number of bytes: bounds and default in bytes. */
export interface SizeSpec {
  readonly min?: number;
  readonly max?: number;
  readonly default?: number;
  /** What to say below `min`, when "is below 4K" alone would not tell why. */
  readonly belowMin?: string;
}

type Resolved<Spec> = Spec extends { readonly default: number } ? number : number | undefined;

/** Per duration key `timeout`: the key itself, a string with its unit, and `timeoutMs`, the deprecated integer. */
type DurationShape<D> = { [K in keyof D & string]: z.ZodOptional<z.ZodType<number, string>> } & {
  [K in keyof D & string as `${K}Ms`]: z.ZodOptional<z.ZodType<number, number>>;
};
type SizeShape<S> = { [K in keyof S & string]: z.ZodOptional<z.ZodType<number, string | number>> };

/** Parsed durations stay in milliseconds under the `Ms` names the code and the resolved configuration use. */
type DurationOutput<D> = { [K in keyof D & string as `${K}Ms`]: Resolved<D[K]> };
type SizeOutput<S> = { [K in keyof S & string]: Resolved<S[K]> };

/**
 * A bare number given to a size key, on its way from the key's schema to the
 * object's, which reports it; it never leaves unitOptions().
 */
class BareBytes {
  constructor(readonly bytes: number) {}
}

function boundProblem(value: number, min: number | undefined, max: number | undefined, format: (n: number) => string): string | undefined {
  if (min !== undefined && value < min) return `is below ${format(min)}`;
  if (max !== undefined && value > max) return `is above ${format(max)}`;
  return undefined;
}

/** A duration written with its unit ("5s", "100ms", "0s"), to milliseconds within the bounds. */
function durationField(spec: DurationSpec): z.ZodType<number, string> {
  const example = spec.default !== undefined && spec.default > 0 ? formatDuration(spec.default) : formatDuration(spec.max);
  const allowed = `is not a duration like "${example}" (digits and one of ms, s, m, h, d, w)`;
  return z.unknown().transform((value, ctx) => {
    if (typeof value === 'number') {
      ctx.addIssue({ code: 'custom', message: `is not a duration like "${example}": write the unit, as in "${value}ms"` });
      return z.NEVER;
    }
    const ms = typeof value === 'string' ? parseDurationOrZero(value) : undefined;
    const problem = ms === undefined ? allowed : boundProblem(ms, spec.min, spec.max, formatDuration);
    if (problem !== undefined || ms === undefined) {
      ctx.addIssue({ code: 'custom', message: problem ?? allowed });
      return z.NEVER;
    }
    return ms;
  }).meta({ unit: 'duration', ...spec }) as unknown as z.ZodType<number, string>;
}

/** A size written with its unit ("1M"), or, deprecated, as a bare number of bytes; within the bounds. */
function sizeField(spec: SizeSpec): z.ZodType<number, string | number> {
  const allowed = `is not a size like "${formatSizeExactly(spec.default ?? spec.min ?? 1024 ** 2)}" (digits and one of K, M, G, T)`;
  return z.unknown().transform((value, ctx) => {
    const bare = typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
    const bytes = bare ? value : typeof value === 'string' ? parseSize(value) : undefined;
    let problem = bytes === undefined ? allowed : boundProblem(bytes, spec.min, spec.max, formatSizeExactly);
    if (problem !== undefined && spec.belowMin !== undefined && bytes !== undefined && spec.min !== undefined && bytes < spec.min) problem = spec.belowMin;
    if (problem !== undefined || bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: problem ?? allowed });
      return z.NEVER;
    }
    return bare ? new BareBytes(bytes) : bytes;
  }).meta({ unit: 'size', bareNumber: 'deprecated', ...spec }) as unknown as z.ZodType<number, string | number>;
}

/**
 * strictOptions() for an object with durations and sizes in it, so every
 * such key is written one way: a string with its unit ("5s", "256M").
 *
 * Each duration key `timeout` also takes its deprecated spelling
 * `timeoutMs`, integer milliseconds within the same bounds; giving both is
 * an error. A size key also takes a deprecated bare number of bytes. Either
 * way the object remembers the spelling, and the logger writes one warn
 * record for it at startup (deprecatedSpellings()). Parsed, durations are
 * milliseconds under the `Ms` names and sizes bytes; defaults are filled in
 * from the specs, which are the only place they are stated.
 */
export function unitOptions<Shape extends z.ZodRawShape, const D extends Readonly<Record<string, DurationSpec>> = {}, const S extends Readonly<Record<string, SizeSpec>> = {}>(
  shape: Shape,
  units: { readonly durations?: D; readonly sizes?: S },
) {
  const durations = Object.entries(units.durations ?? {}) as [string, DurationSpec][];
  const sizes = Object.entries(units.sizes ?? {}) as [string, SizeSpec][];
  const full: Record<string, z.core.$ZodType> = { ...shape };
  for (const [key, spec] of durations) {
    full[key] = durationField(spec).optional();
    full[`${key}Ms`] = z.int().min(spec.min).max(spec.max).optional();
  }
  for (const [key, spec] of sizes) full[key] = sizeField(spec).optional();
  const listed = [...Object.keys(shape), ...durations.map(([key]) => key), ...sizes.map(([key]) => key)];
  const object = strictOptions(full as Shape & DurationShape<D> & SizeShape<S>, listed);
  type Output = Omit<z.output<typeof object>, keyof DurationShape<D> | keyof SizeShape<S>> & DurationOutput<D> & SizeOutput<S>;
  return object.transform((parsed, ctx): Output => {
    const out: Record<string, unknown> = { ...parsed };
    const notices: LocalNotice[] = [];
    for (const [key, spec] of durations) {
      const oldKey = `${key}Ms`;
      const given = out[key] as number | undefined;
      const old = out[oldKey] as number | undefined;
      delete out[key];
      if (given !== undefined && old !== undefined) {
        ctx.addIssue({ code: 'custom', path: [oldKey], message: `is the deprecated spelling of "${key}", which is given too: write only "${key}"` });
      } else if (old !== undefined) {
        notices.push({ key: oldKey, value: old, replacement: key, replacementValue: formatDuration(old) });
      }
      const ms = given ?? old ?? spec.default;
      if (ms === undefined) delete out[oldKey];
      else out[oldKey] = ms;
    }
    for (const [key, spec] of sizes) {
      const value = out[key];
      if (value instanceof BareBytes) {
        out[key] = value.bytes;
        notices.push({ key, value: value.bytes, replacement: key, replacementValue: formatSizeExactly(value.bytes) });
      } else if (value === undefined && spec.default !== undefined) {
        out[key] = spec.default;
      }
    }
    // Not enumerable: the resolved configuration prints, compares and spreads as before.
    if (notices.length > 0) Object.defineProperty(out, NOTICES, { value: notices, enumerable: false });
    return out as Output;
  });
}
