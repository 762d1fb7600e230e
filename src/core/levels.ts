/**
 * The five levels are the contract: no trace, no custom levels. Values match
 * pino, so records stay readable by pino tooling, and map onto OpenTelemetry
 * severity numbers and syslog severities for the shippers.
 */
export const LEVELS = Object.freeze({
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
} as const);

export type LevelName = keyof typeof LEVELS;
export type LevelValue = (typeof LEVELS)[LevelName];
/** What a logger or transport may be configured with: a level, or `silent` for nothing. */
export type LevelSetting = LevelName | 'silent';

export const LEVEL_NAMES: readonly LevelName[] = Object.freeze(['debug', 'info', 'warn', 'error', 'fatal']);
export const LEVEL_SETTINGS: readonly LevelSetting[] = Object.freeze([...LEVEL_NAMES, 'silent']);

/** `silent` sorts above every level, so comparisons need no special case. */
const SILENT_VALUE = Infinity;

export function levelValue(setting: LevelSetting): number {
  return setting === 'silent' ? SILENT_VALUE : LEVELS[setting];
}

const NAME_BY_VALUE: Readonly<Record<number, LevelName>> = Object.freeze({
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
});

export function levelName(value: number): LevelName | undefined {
  return NAME_BY_VALUE[value];
}

/** A level setting written in any case ("INFO", "Debug"), as config files and LOG_LEVEL allow; undefined if it is none. */
export function parseLevelSetting(text: string): LevelSetting | undefined {
  const lower = text.trim().toLowerCase();
  return (LEVEL_SETTINGS as readonly string[]).includes(lower) ? (lower as LevelSetting) : undefined;
}

/** The setting whose value is the lowest at or above `value`: an effective minimum read back as a level. */
export function settingAtLeast(value: number): LevelSetting {
  return LEVEL_SETTINGS.find((s) => levelValue(s) >= value) ?? 'silent';
}
