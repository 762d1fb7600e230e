import { parsedSetting } from './parsedSetting';
import { DURATION_EXAMPLE, parseDuration } from './parseDuration';

/** A duration in a config file, "30s", "1h", "14d", validated and turned into milliseconds. */
export const durationSetting = parsedSetting(parseDuration, `is not a duration like "${DURATION_EXAMPLE}"`, 'duration');

/**
 * A duration with a lower bound, e.g. a rotation interval of at least one
 * second; the message gives the bound in the same notation as the value.
 */
export function durationAtLeast(minMs: number, minText: string, example: string) {
  return parsedSetting(
    (text) => {
      const ms = parseDuration(text);
      return ms !== undefined && ms >= minMs ? ms : undefined;
    },
    `is not a duration of at least ${minText} like "${example}"`,
    'duration',
  );
}
