import { z } from 'zod';
import { LEVEL_SETTINGS, type LevelSetting } from '../levels';

/**
 * An object schema that rejects unknown keys with a message listing the keys
 * it does allow, so a typo in a config file fails at startup with the fix in
 * the message.
 */
export function strictOptions<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; allowed keys: ${allowed}`
        : undefined,
  });
}

export const levelSettingSchema = z.enum(LEVEL_SETTINGS as readonly LevelSetting[] as [LevelSetting, ...LevelSetting[]]);
