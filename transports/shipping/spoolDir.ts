import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../src/core/config/ConfigError';
import { ensureSpoolDir } from './SegmentFiles';
import { spoolBacklog } from './inspectSpool';
import { nonEmpty } from '../../src/core/plainValues';

/** The default of prodlog 0.1: a hidden folder in the working directory. */
export const OLD_DEFAULT_FOLDER = '.prodlog-spool';

/** What decides where a shipping transport's spool is. */
export interface SpoolDirInputs {
  /** `spool.dir` as configured. */
  readonly explicit: string | undefined;
  /** The folder name per destination, e.g. `http-ndjson-logs.internal-443-1a2b3c4d`: two transports never share a spool. */
  readonly folder: string;
  /** The logger name; services of one user or one volume get a folder each. */
  readonly service: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The user's home folder when HOME is not set (os.homedir()). */
  readonly home?: () => string;
}

/** Where the spool is, and why. */
export interface SpoolDirChoice {
  readonly dir: string;
  /** How the folder was chosen, as the messages name it: `spool.dir`, `$PRODLOG_SPOOL_DIR`, `$STATE_DIRECTORY`, ... */
  readonly source: string;
  /** A warn record for the start, when a backlog in the old default folder decided (or is left behind). */
  readonly notice?: { readonly msg: string; readonly fields: Readonly<Record<string, unknown>> };
}

/** The logger name as one safe path segment: `@acme/checkout` is `acme-checkout`. */
export function serviceFolder(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '');
  return safe === '' ? 'app' : safe;
}


/**
 * The default spool folder, by the first rule that applies (docs/shipping.md,
 * "Spool options"; why, docs/design.md, "Where the spool is by default"):
 * `$PRODLOG_SPOOL_DIR/<service>/<folder>`; systemd's
 * `$STATE_DIRECTORY/prodlog-spool/<folder>`; `$XDG_STATE_HOME/prodlog/<service>/<folder>`;
 * `~/.local/state/prodlog/<service>/<folder>`. Never a temporary folder: a
 * spool must outlive a reboot.
 */
export function defaultSpoolDir(inputs: SpoolDirInputs): SpoolDirChoice | undefined {
  const { env, folder } = inputs;
  const service = serviceFolder(inputs.service);
  const base = nonEmpty(env['PRODLOG_SPOOL_DIR']);
  if (base !== undefined) return { dir: resolve(inputs.cwd, base, service, folder), source: '$PRODLOG_SPOOL_DIR' };
  // systemd sets it from StateDirectory=, one absolute path per entry, colon-separated.
  const state = nonEmpty(env['STATE_DIRECTORY'])?.split(':').find((p) => isAbsolute(p));
  if (state !== undefined) return { dir: join(state, 'prodlog-spool', folder), source: '$STATE_DIRECTORY' };
  // The XDG Base Directory rules ignore a relative XDG_STATE_HOME.
  const xdg = nonEmpty(env['XDG_STATE_HOME']);
  if (xdg !== undefined && isAbsolute(xdg)) return { dir: join(xdg, 'prodlog', service, folder), source: '$XDG_STATE_HOME' };
  const home = nonEmpty(env['HOME']) ?? safeHome(inputs.home ?? homedir);
  if (home !== undefined && isAbsolute(home)) return { dir: join(home, '.local', 'state', 'prodlog', service, folder), source: '$HOME' };
  return undefined;
}

function safeHome(home: () => string): string | undefined {
  try {
    return nonEmpty(home());
  } catch {
    return undefined;
  }
}

/**
 * The spool folder of a shipping transport, created (0700) and checked for
 * writing: `spool.dir` or PRODLOG_SPOOL_DIR when set (a backlog in the old
 * default folder is then left behind, with a warn record saying so); else a
 * backlog left in the old default (`.prodlog-spool/<folder>` in the working
 * directory), which is delivered from there with a warn record saying so;
 * else defaultSpoolDir(). A folder
 * that cannot be used is a ConfigError naming `spool.dir`, the path, where
 * it came from and what to do.
 */
export function resolveSpoolDir(inputs: SpoolDirInputs): SpoolDirChoice {
  return usable(chooseSpoolDir(inputs));
}

/**
 * Where the spool would be, as resolveSpoolDir() decides, without creating
 * the folder: what a second logger in the process compares to find a spool
 * already open.
 */
export function chooseSpoolDir(inputs: SpoolDirInputs): SpoolDirChoice {
  const old = resolve(inputs.cwd, OLD_DEFAULT_FOLDER, inputs.folder);
  const oldBacklog = existsSync(old) ? backlogBytes(old) : 0;
  const found = inputs.explicit === undefined ? defaultSpoolDir(inputs) : { dir: resolve(inputs.cwd, inputs.explicit), source: 'spool.dir' };
  const chosenByUser = found !== undefined && (found.source === 'spool.dir' || found.source === '$PRODLOG_SPOOL_DIR');
  if (oldBacklog > 0 && !chosenByUser) {
    return {
      dir: old,
      source: `the old default folder ${OLD_DEFAULT_FOLDER}`,
      notice: {
        msg: 'spool: delivering the backlog in the old default folder',
        fields: { spoolDir: old, backlogBytes: oldBacklog, ...(found ? { newDefault: found.dir } : {}), fix: 'once it is delivered the next start uses the new default; set spool.dir to keep a folder of your own' },
      },
    };
  }
  if (found === undefined) {
    throw new ConfigError('spool', [`spool.dir: is not set, and there is no default: none of PRODLOG_SPOOL_DIR, STATE_DIRECTORY, XDG_STATE_HOME or HOME is set; ${FIX}`]);
  }
  if (oldBacklog > 0 && found.dir !== old) {
    return {
      ...found,
      notice: {
        msg: `spool: the old default folder holds a backlog that this spool does not deliver (${found.source} is set)`,
        fields: { spoolDir: found.dir, oldSpoolDir: old, backlogBytes: oldBacklog, fix: `unset ${found.source} for one start to deliver it, or remove the folder` },
      },
    };
  }
  return found;
}

const FIX = 'set spool.dir or PRODLOG_SPOOL_DIR to a writable folder that survives restarts (in a container, a mounted volume)';

function backlogBytes(dir: string): number {
  try {
    return spoolBacklog(dir).backlogBytes;
  } catch {
    return 0;
  }
}

/** Creates the folder and checks that it can be written; a ConfigError naming the key, the path and the cure if not. */
function usable(choice: SpoolDirChoice): SpoolDirChoice {
  try {
    ensureSpoolDir(choice.dir);
    accessSync(choice.dir, constants.W_OK);
  } catch (err) {
    const why = (err as Error).message;
    if (choice.source === 'spool.dir') throw new ConfigError('spool', [`spool.dir: ${JSON.stringify(choice.dir)} cannot be used: ${why}`]);
    throw new ConfigError('spool', [`spool.dir: is not set, and the default ${JSON.stringify(choice.dir)} (from ${choice.source}) cannot be used: ${why}; ${FIX}`]);
  }
  return choice;
}

/** Where the http transport keeps the records its receiver refused for good, unless `deadLetter.path` says: beside the spool folder. */
export function defaultDeadLetterPath(spoolDir: string): string {
  return `${spoolDir}.dead-letter.ndjson`;
}
