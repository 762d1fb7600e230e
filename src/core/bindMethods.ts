/** The Logger methods every logger binds to itself, so `const { fatal } = log` and `.catch(log.error)` keep their logger. */
export const LOGGER_METHODS = ['fatal', 'child', 'module', 'setLevel', 'isLevelEnabled', 'flush', 'close', 'health', 'task', 'schedule'] as const;

/** Replaces each named method of `target` by an own copy bound to it. */
export function bindMethods<T extends object>(target: T, names: readonly (keyof T & string)[]): void {
  const own = target as Record<string, unknown>;
  for (const name of names) {
    const method = own[name];
    if (typeof method === 'function') own[name] = method.bind(target);
  }
}
