import { z } from 'zod';
import { unitOptions, type DurationSpec } from './unitOptions';

/**
 * A feature that is on or off, with settings when on: `true`, `false`, or an
 * object of settings (`enabled` defaults to true). The output is always the
 * object, so code reads `enabled` and never tests for a boolean.
 */
export function toggle<Shape extends z.ZodRawShape, const D extends Readonly<Record<string, DurationSpec>>>(enabledByDefault: boolean, shape: Shape, durations: D) {
  const settings = unitOptions({ enabled: z.boolean().default(true), ...shape }, { durations });
  const isObject = z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
    message: 'is not true, false or an object',
  });
  const schema = z.preprocess(
    (v) => (typeof v === 'boolean' ? { enabled: v } : v),
    isObject.pipe(settings),
  );
  // preprocess() types its input as unknown; users should see what they may write.
  const typed = schema as unknown as z.ZodType<z.output<typeof settings>, boolean | z.input<typeof settings>>;
  return typed.prefault(enabledByDefault);
}
