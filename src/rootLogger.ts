import type { Logger, NoEvents } from './core/Logger';

/** What the root logger's slot keeps of a logger: the logger, and whether it was closed. */
export interface RootCandidate {
  readonly log: Logger<NoEvents>;
  readonly closeCalled: boolean;
}

interface Root {
  readonly candidate: RootCandidate;
  /** Created by getLogger() from the config file alone, because no logger had been created yet. */
  readonly byGetLogger: boolean;
}

/**
 * The process's root logger: the one getLogger() writes through. Per copy of
 * prodlog loaded in the process, like the transports it shares.
 */
let root: Root | undefined;
let creatingForGetLogger = false;

/**
 * Makes a new logger the root when it should be: `true` always (in place of
 * any other), `'if-none'` when there is no root yet or the root was closed
 * (a closed root is replaced by the next logger created from the config
 * file, so a test suite that creates and closes one per test gets a live
 * one), `false` never. A logger created from the config file after
 * getLogger() had to create the root itself is not the root, and says so in
 * a warn record: records through getLogger() go to the root made from the
 * file alone, without this logger's options.
 */
export function adoptAsRoot(candidate: RootCandidate, mode: boolean | 'if-none'): void {
  if (mode === false) return;
  if (mode === true || root === undefined || root.candidate.closeCalled) {
    root = { candidate, byGetLogger: creatingForGetLogger };
    return;
  }
  if (root.byGetLogger) {
    candidate.log.warn('this logger is not the root logger: getLogger() created the root from the config file before this createLogger() ran', {
      fix: 'create the logger before anything logs through getLogger() (getLogger() itself may be called earlier, at import), or pass root: true',
    });
  }
}

/** The root logger, or undefined when none was created yet. */
export function currentRoot(): Logger<NoEvents> | undefined {
  return root?.candidate.log;
}

/** Runs `create` (createLogger() with no options) so that the logger it makes is marked as getLogger()'s own. */
export function createRootForGetLogger(create: () => unknown): void {
  creatingForGetLogger = true;
  try {
    create();
  } finally {
    creatingForGetLogger = false;
  }
}
