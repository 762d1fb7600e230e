import { z } from 'zod';

/**
 * A config value written as a string with units ("10M", "14d") and used as a
 * number. `parse` returns undefined for a bad value and `allowed` is the
 * "what is allowed" phrase, so the error reads
 * `transports[0].rotate.size: "ten" is not a size like "10M"`. Numbers are
 * refused with the same phrase: a bare 10 does not say whether it is bytes or
 * megabytes, seconds or days. `unit` is kept as the schema's metadata, so
 * tests and tools can find every size and duration key.
 */
export function parsedSetting(parse: (text: string) => number | undefined, allowed: string, unit: 'size' | 'duration') {
  return z
    .custom<string>((value) => typeof value === 'string', { message: allowed })
    .transform((text, ctx) => {
      const parsed = parse(text);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: allowed });
        return z.NEVER;
      }
      return parsed;
    })
    .meta({ unit });
}
