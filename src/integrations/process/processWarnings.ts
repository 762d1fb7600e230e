import type { Logger } from '../../core/Logger';

interface WarningsState {
  readonly loggers: Set<Logger>;
  listener: ((warning: Error) => void) | undefined;
}

const STATE_KEY = Symbol.for('prodlog.processWarnings');

function state(): WarningsState {
  const holder = process as unknown as Record<symbol, WarningsState | undefined>;
  holder[STATE_KEY] ??= { loggers: new Set(), listener: undefined };
  return holder[STATE_KEY];
}

/**
 * The warn record for a process warning. A deprecation gets the category
 * `deprecation`; any other warning its own name (`MaxListenersExceededWarning`,
 * `ExperimentalWarning`, ...). The stack shows which code called the
 * deprecated API.
 */
function warningFields(warning: Error): Record<string, unknown> {
  const code = (warning as { code?: unknown }).code;
  return {
    category: warning.name === 'DeprecationWarning' ? 'deprecation' : warning.name,
    ...(typeof code === 'string' ? { code } : {}),
    stack: warning.stack,
  };
}

/**
 * Sends Node's process warnings to `log` as warn records until the returned
 * function is called. One listener serves every logger in the process.
 * Listening does not silence Node's own printing of the warning on stderr
 * (that is `--no-warnings`), so nothing changes for whoever reads stderr.
 */
export function forwardProcessWarnings(log: Logger): () => void {
  const s = state();
  s.loggers.add(log);
  if (!s.listener) {
    s.listener = (warning: Error) => {
      for (const l of s.loggers) l.warn(warning.message, warningFields(warning));
    };
    process.on('warning', s.listener);
  }
  return () => {
    s.loggers.delete(log);
    if (s.loggers.size === 0 && s.listener) {
      process.off('warning', s.listener);
      s.listener = undefined;
    }
  };
}
