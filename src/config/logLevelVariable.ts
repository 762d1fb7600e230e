import { LEVEL_SETTINGS, parseLevelSetting, type LevelSetting } from '../core/levels';
import { isModuleName, MODULE_NAME_WORDS } from '../core/moduleName';

/** What LOG_LEVEL sets: the root level (when it names one) and per-module levels. */
export interface LogLevelVariable {
  readonly level: LevelSetting | undefined;
  readonly levels: Readonly<Record<string, LevelSetting>>;
}

const ALLOWED = `a level (${LEVEL_SETTINGS.join(', ')}) and module entries, like "info,db=debug,http.client=warn"`;

/**
 * Reads LOG_LEVEL: `info`, or `info,db=debug,http.client=warn`, or only
 * module entries (`db=debug`). Level names in any case. Returns the problems,
 * each naming the part that is wrong and what is allowed, instead of a value
 * when there are any.
 */
export function parseLogLevelVariable(text: string): LogLevelVariable | { readonly problems: string[] } {
  let level: LevelSetting | undefined;
  const levels: Record<string, LevelSetting> = {};
  const problems: string[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? undefined : part.slice(0, eq).trim();
    const value = eq < 0 ? part : part.slice(eq + 1).trim();
    const parsed = parseLevelSetting(value);
    if (parsed === undefined) problems.push(`${JSON.stringify(value)} is not a level; expected ${ALLOWED}`);
    else if (name === undefined) {
      if (level !== undefined) problems.push(`the root level is given twice (${JSON.stringify(level)} and ${JSON.stringify(value)}); expected ${ALLOWED}`);
      level = parsed;
    } else if (!isModuleName(name)) problems.push(`${JSON.stringify(name)} is not a module name: ${MODULE_NAME_WORDS}`);
    else levels[name] = parsed;
  }
  return problems.length > 0 ? { problems } : { level, levels };
}
