import { z } from 'zod';
import { LEVEL_SETTINGS, parseLevelSetting, type LevelSetting } from '../levels';
import { expectedWords } from './describeIssues';
import { isModuleName, MODULE_NAME_WORDS } from '../moduleName';

/**
 * An object schema that rejects unknown keys with a message listing the keys
 * it does allow, so a typo in a config file fails at startup with the fix in
 * the message, and a value that is not an object with the same list:
 * `limits: 5 is a number; expected an object like { maxDepth, maxStringLength, ... }`.
 * `listedKeys` leaves deprecated spellings out of that list.
 */
export function strictOptions<Shape extends z.ZodRawShape>(shape: Shape, listedKeys: readonly string[] = Object.keys(shape)) {
  const allowed = listedKeys.join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; allowed keys: ${allowed}`;
      if (issue.code === 'invalid_type') return expectedWords(objectLike(listedKeys));
      return undefined;
    },
  });
}

/** "an object like { paths, censor, defaults }". */
function objectLike(keys: readonly string[]): string {
  return keys.length === 0 ? 'an empty object {}' : `an object like { ${keys.join(', ')} }`;
}

/**
 * An array whose wrong-type message says what goes in it:
 * `redact.paths: "password" is a string; expected an array of paths like ["user.email"]`.
 */
export function listOf<Element extends z.ZodType>(element: Element, words: string) {
  return z.array(element, { error: (issue) => (issue.code === 'invalid_type' ? expectedWords(words) : undefined) });
}

/** A level setting, in any case ("INFO" is "info"): level names are not case-sensitive anywhere. */
export const levelSettingSchema = z.preprocess(
  (value) => (typeof value === 'string' ? (parseLevelSetting(value) ?? value) : value),
  z.enum(LEVEL_SETTINGS as readonly LevelSetting[] as [LevelSetting, ...LevelSetting[]]),
  // preprocess types its input as unknown; a config's type takes the spellings users write.
) as unknown as z.ZodType<LevelSetting, LevelSetting | Uppercase<LevelSetting> | Capitalize<LevelSetting>>;

/**
 * The per-module level table, `{ "db": "debug", "http.client": "warn" }`:
 * each key a module name, each value a level setting.
 */
export const moduleLevelsSchema = recordWithKeys(levelSettingSchema, (key) =>
  isModuleName(key) ? undefined : `is not a module name: ${MODULE_NAME_WORDS}`,
);

/**
 * A record whose keys are checked one by one. Zod reports a bad record key
 * only as "Invalid key in record"; this names the key in the path and says
 * what is wrong with it, e.g. `transports[0].headers.content-length: "5" is
 * under a header the transport sets itself`.
 */
export function recordWithKeys<V extends z.ZodType>(value: V, keyProblem: (key: string) => string | undefined) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      const problem = keyProblem(key);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  });
}
