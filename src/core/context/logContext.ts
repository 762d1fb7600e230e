import { AsyncLocalStorage } from 'node:async_hooks';
import type { Fields } from '../Logger';
import type { HeldRecords } from './HeldRecords';

/** Where a context's held records go: one per outermost context, shared by the contexts nested in it. */
export interface ReplaySlot {
  held: HeldRecords | undefined;
}

/** The fields every record logged inside a context carries, and its replay slot. */
export interface LogContext {
  /** Own enumerable fields of this context and the ones around it, inner ones winning; no prototype. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly replay: ReplaySlot;
}

// One store for the process: a context set by withContext() reaches every prodlog logger.
const storage = new AsyncLocalStorage<LogContext>();

/**
 * Runs `fn` in a logging context: every record logged inside it and its
 * asynchronous continuations (awaits, timers, promise callbacks, stream and
 * event callbacks registered inside), by any prodlog logger, carries
 * `fields`: after the logger's bindings, before the call's own fields (the
 * call's win on a clash). Contexts nest, the inner fields winning. The
 * fields are read once, here. Returns what `fn` returns.
 */
export function withContext<T>(fields: Fields, fn: () => T): T {
  return storage.run(contextOf(storage.getStore(), ownFields(fields)), fn);
}

/** A context inside `parent` (if any): the fields merged, the inner winning; the replay slot shared. */
function contextOf(parent: LogContext | undefined, own: Record<string, unknown>): LogContext {
  return {
    fields: parent === undefined ? own : Object.assign(Object.create(null) as Record<string, unknown>, parent.fields, own),
    replay: parent?.replay ?? { held: undefined },
  };
}

/** The context the current code runs in, if any: one lookup, the whole cost of contexts to a record logged outside one. */
export function activeContext(): LogContext | undefined {
  return storage.getStore();
}

/**
 * The context's fields, then the call's, as one object for the sanitiser.
 * A context field the logger already binds is left out: the binding stands,
 * and the line has no key twice (`req.log` binds the `requestId` its
 * request's context carries too). Without a prototype, so a key named
 * "__proto__" stays a field.
 */
export function withContextFields(context: LogContext, fields: unknown, boundKeys: ReadonlySet<string>): unknown {
  if (fields !== undefined && fields !== null && typeof fields !== 'object') return fields; // untyped callers: left as they are
  const out = Object.create(null) as Record<string, unknown>;
  if (boundKeys.size === 0) Object.assign(out, context.fields);
  else for (const key of Object.keys(context.fields)) if (!boundKeys.has(key)) out[key] = context.fields[key];
  return Object.assign(out, fields ?? undefined);
}

/**
 * Makes the rest of the current synchronous run, and what it schedules, a
 * context: for a node:http handler, whose request goes on after the call
 * that starts its logging instead of inside a callback.
 */
export function enterContext(fields: Fields): void {
  const parent = storage.getStore();
  storage.enterWith(contextOf(parent, ownFields(fields)));
}

/** A snapshot of the own enumerable fields; a getter that throws, or a value that is not an object, gives none. */
function ownFields(fields: unknown): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  if (typeof fields !== 'object' || fields === null) return out;
  try {
    Object.assign(out, fields);
  } catch {
    // the context still runs; the sanitiser reports unreadable fields of a record, here there is no record
  }
  return out;
}
