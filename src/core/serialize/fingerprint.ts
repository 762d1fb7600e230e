import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Error fingerprints: a short hash that is the same for every throw at one
 * site, whatever the message, and survives a rebuild that only moves lines.
 * A store groups errors by it as Sentry and Error Reporting group by stack.
 * docs/fingerprint.md states the algorithm so that a store can recompute it;
 * this file is its reference implementation, and the two must not drift.
 */

/** In-application frames that make up a fingerprint, from the top of the stack. */
export const FINGERPRINT_FRAMES = 3;
/** Hex digits kept of the SHA-256 (64 bits: no collision in any realistic number of error kinds). */
export const FINGERPRINT_LENGTH = 16;

/** Where a frame's code lives: the service's own files, a package in node_modules, or Node itself (and eval, native). */
export type FrameKind = 'app' | 'library' | 'runtime';

export interface StackFrame {
  /** The function as V8 names it (`Cart.add`, `new Order`, `Object.<anonymous>`), without `async `; '' for an anonymous top-level frame. */
  readonly fn: string;
  /** The file, relative to the root for the service's own files, from `node_modules/` for a package; '' when there is none. */
  readonly path: string;
  /** The frame's location as written in the stack, line and column included (for people, never hashed). */
  readonly location: string;
  readonly kind: FrameKind;
}

const FRAME_LINE = /^\s*at (.*)$/;
/** Longer lines are not V8 frames, and a stack made up to be slow to parse must not be: bounds on the work per error. */
const MAX_FRAME_LINE = 4096;
const MAX_FRAMES = 200;
const WITH_FUNCTION = /^(.*?) \((.*)\)$/;
const LINE_AND_COLUMN = /(?::\d+){1,2}$/;

/**
 * The frames of a V8 stack (`    at fn (file:line:col)` lines), top first.
 * The header (`Type: message`, which may span lines that look like frames)
 * is skipped by its text when `message` is given, so a message cannot forge
 * frames.
 */
export function parseStack(stack: string, root: string, message?: string): StackFrame[] {
  return framesOf(stackBody(stack, message), root);
}

/** The stack after its `Type: message` start, so a message cannot pose as frames. */
function stackBody(stack: string, message: string | undefined): string {
  if (message === undefined || message === '') return stack;
  // `Type: message` starts on the first line; a message set after the stack was taken is not there
  const at = stack.indexOf(message);
  const firstLineEnd = stack.indexOf('\n');
  return at >= 0 && (firstLineEnd < 0 || at < firstLineEnd) ? stack.slice(at + message.length) : stack;
}

function framesOf(body: string, root: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of body.split('\n', MAX_FRAMES * 4)) {
    if (line.length > MAX_FRAME_LINE || frames.length === MAX_FRAMES) continue;
    const m = FRAME_LINE.exec(line);
    if (m === null) continue;
    frames.push(parseFrame(m[1]!.trim(), root));
  }
  return frames;
}

function parseFrame(text: string, root: string): StackFrame {
  const unmarked = text.startsWith('async ') ? text.slice(6) : text;
  const m = WITH_FUNCTION.exec(unmarked);
  const fn = m === null ? '' : m[1]!;
  const location = m === null ? unmarked : m[2]!;
  const { path, kind } = placeOf(location, root);
  return { fn, path, location, kind };
}

/** The file of a location without line and column, and whose code it is. */
function placeOf(location: string, root: string): { path: string; kind: FrameKind } {
  if (location.startsWith('eval at ')) return { path: '<eval>', kind: 'runtime' };
  let file = location.replace(LINE_AND_COLUMN, '');
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      // not a file URL Node can read: hashed as written
    }
  }
  file = file.replace(/\\/g, '/');
  if (file.startsWith('node:') || file.startsWith('internal/') || !file.includes('/')) return { path: file, kind: 'runtime' };
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) return { path: file.slice(modules + 1), kind: 'library' };
  const base = normalisedRoot(root);
  return { path: base !== '' && file.startsWith(base) ? file.slice(base.length) : file, kind: 'app' };
}

/** The root with forward slashes and one trailing slash; '' for none. */
function normalisedRoot(root: string): string {
  if (root === '') return '';
  const r = root.replace(/\\/g, '/');
  return r.endsWith('/') ? r : `${r}/`;
}

/**
 * The frames a fingerprint is made of: the top FINGERPRINT_FRAMES of the
 * service's own frames; when there are none (an error raised inside a
 * library or Node and caught there), the top frames of the whole stack.
 */
export function fingerprintFrames(frames: readonly StackFrame[]): StackFrame[] {
  const own = frames.filter((f) => f.kind === 'app');
  return (own.length > 0 ? own : frames).slice(0, FINGERPRINT_FRAMES);
}

/**
 * The fingerprint of an error: SHA-256 over its type and its chosen frames'
 * function names and paths, one per line, of which the first 16 hex digits
 * are kept. Line and column numbers and the message never count. An error
 * without frames (a stack cut off, or none) counts its `code` instead, so
 * ECONNREFUSED and ENOENT do not fold into one group.
 */
export function errorFingerprint(type: string, stack: string | undefined, root: string, message?: string, code?: string | number): string {
  // One throw site logs the same frames again and again, whatever its message: parse and hash them once.
  const body = typeof stack === 'string' ? stackBody(stack, message) : undefined;
  const key = `${root}\0${type}\0${String(code)}\0${body ?? ''}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const frames = body === undefined ? [] : fingerprintFrames(framesOf(body, root));
  const fingerprint = fingerprintOfFrames(type, frames, code);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, fingerprint);
  return fingerprint;
}

/** Fingerprints of recent stacks; cleared when full, so memory stays bounded whatever is thrown. */
const recent = new Map<string, string>();
const RECENT_MAX = 1_000;

/** The hash over a type and its already chosen frames (see errorFingerprint). */
export function fingerprintOfFrames(type: string, frames: readonly StackFrame[], code?: string | number): string {
  let text = type;
  if (frames.length === 0) text += `\ncode ${code === undefined ? '' : String(code)}`;
  for (const f of frames) text += `\n${f.fn}\t${f.path}`;
  return nodeCrypto().createHash('sha256').update(text).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

let crypto: typeof import('node:crypto') | undefined;

/** node:crypto, required at the first error fingerprinted, so that importing prodlog does not load it. */
function nodeCrypto(): typeof import('node:crypto') {
  return (crypto ??= require('node:crypto') as typeof import('node:crypto'));
}

/**
 * The service root that paths in fingerprints are relative to: the folder
 * of the package.json nearest above the entry script, else the working
 * directory. The same code deployed to another folder keeps its fingerprints.
 */
export function serviceRoot(entry: string | undefined, cwd: string): string {
  if (entry !== undefined && entry !== '') {
    let dir = dirname(entry);
    for (;;) {
      if (existsSync(join(dir, 'package.json'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return cwd;
}

let rootOfProcess: string | undefined;

/** serviceRoot() of this process, found once: its entry script and the working directory at the first call. */
export function processServiceRoot(): string {
  rootOfProcess ??= serviceRoot(process.argv[1], process.cwd());
  return rootOfProcess;
}
