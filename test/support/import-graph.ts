import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/**
 * The import graph of the package's own modules, read with the TypeScript
 * parser, and the two checks on it: every import points down the layers, and
 * no module reaches itself again. Paths are relative to the repository root,
 * with "/" (`src/core/Fanout.ts`).
 */

/** Each module and the modules it imports (unresolved relative imports end in " (unresolved)"). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * A layer: the modules whose paths match one of `files` (a prefix; `*` stands
 * for one folder name, and makes each such folder a unit of its own), and the
 * layers they may import. `name:index` admits only that layer's index.ts files.
 * A module may always import modules of its own unit.
 */
export interface Layer {
  readonly name: string;
  readonly files: readonly string[];
  readonly mayImport: readonly string[];
}

/**
 * Every module specifier `text` names: `import` (`import type` too),
 * `export ... from`, `import x = require()`, `require()`, `import()` and
 * `import('...').Type`. A require of a computed name (a user's sink module
 * given by path at run time) names no module of ours and is not listed.
 */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && isRequireOrImport(node.expression)) {
      const first = node.arguments[0];
      if (first !== undefined && ts.isStringLiteralLike(first)) found.push(first.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isRequireOrImport(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** The TypeScript sources under `folders` of `root`, by path relative to `root`. */
export function readSources(root: string, folders: readonly string[]): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) sources.set(path, readFileSync(join(root, path), 'utf8'));
    }
  };
  for (const folder of folders) walk(folder);
  return sources;
}

/** The graph of `sources`: relative imports resolved among them, package imports left out. */
export function importGraph(sources: ReadonlyMap<string, string>): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const [path, text] of sources) {
    const targets = moduleSpecifiers(path, text)
      .filter((spec) => spec.startsWith('./') || spec.startsWith('../'))
      .map((spec) => resolve(sources, posix.join(posix.dirname(path), spec)));
    graph.set(path, [...new Set(targets)]);
  }
  return graph;
}

function resolve(sources: ReadonlyMap<string, string>, base: string): string {
  const candidates = [`${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => sources.has(c)) ?? `${base} (unresolved)`;
}

interface Placed {
  readonly layer: Layer;
  /** The layer, or for a `*` pattern the folder it matched. */
  readonly unit: string;
}

function place(path: string, layers: readonly Layer[]): Placed | undefined {
  for (const layer of layers) {
    for (const pattern of layer.files) {
      const unit = matchPrefix(path, pattern);
      if (unit !== undefined) return { layer, unit: pattern.includes('*') ? unit : layer.name };
    }
  }
  return undefined;
}

/** The part of `path` that `pattern` matched, or undefined. A pattern without a trailing "/" names one file. */
function matchPrefix(path: string, pattern: string): string | undefined {
  const parts = pattern.split('/');
  const segments = path.split('/');
  const folder = pattern.endsWith('/');
  const wanted = folder ? parts.length - 1 : parts.length;
  if (folder ? segments.length <= wanted : segments.length !== wanted) return undefined;
  for (let i = 0; i < wanted; i++) if (parts[i] !== '*' && parts[i] !== segments[i]) return undefined;
  return segments.slice(0, wanted).join('/');
}

/**
 * Every import the layers do not allow, and every module in no layer, as
 * `from -> to: why`, sorted.
 */
export function layerViolations(graph: ImportGraph, layers: readonly Layer[]): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    const a = place(from, layers);
    if (a === undefined) {
      problems.push(`${from}: in no layer`);
      continue;
    }
    for (const to of targets) {
      const why = forbidden(a, to, layers);
      if (why !== undefined) problems.push(`${from} -> ${to}: ${why}`);
    }
  }
  return problems.sort();
}

function forbidden(a: Placed, to: string, layers: readonly Layer[]): string | undefined {
  if (to.endsWith(' (unresolved)')) return 'not a module of the package';
  const b = place(to, layers);
  if (b === undefined) return 'in no layer';
  if (a.unit === b.unit) return undefined;
  let onlyIndex = false;
  for (const rule of a.layer.mayImport) {
    const [name, via] = rule.split(':');
    if (name !== b.layer.name) continue;
    if (via !== 'index' || to === `${b.unit}/index.ts`) return undefined;
    onlyIndex = true;
  }
  if (onlyIndex) return `${a.unit} may import ${b.unit} only through ${b.unit}/index.ts`;
  return `${a.unit} may not import ${b.unit}`;
}

/** Every cycle of imports, each as one path `a -> b -> ... -> a` through its strongly connected component. */
export function importCycles(graph: ImportGraph): string[] {
  return stronglyConnected(graph)
    .filter((members) => members.length > 1 || (graph.get(members[0]!) ?? []).includes(members[0]!))
    .map((members) => cycleThrough(graph, new Set(members)))
    .sort();
}

/** Tarjan's algorithm, iterative: the components with their members sorted. */
function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = (graph.get(frame.node) ?? []).filter((t) => graph.has(t));
      if (frame.edge < targets.length) {
        const t = targets[frame.edge++]!;
        if (!index.has(t)) {
          index.set(t, next);
          low.set(t, next++);
          stack.push(t);
          onStack.add(t);
          work.push({ node: t, edge: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const members: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.push(member);
        } while (member !== frame.node);
        components.push(members.sort());
      }
    }
  }
  return components;
}

/** The shortest way from the component's first module back to itself, within the component. */
function cycleThrough(graph: ImportGraph, members: ReadonlySet<string>): string {
  const start = [...members][0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const t of graph.get(node) ?? []) {
      if (t === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = cameFrom.get(at)) path.splice(1, 0, at);
        return [...path, start].join(' -> ');
      }
      if (members.has(t) && !cameFrom.has(t)) {
        cameFrom.set(t, node);
        queue.push(t);
      }
    }
  }
  return [...members].join(' -> ');
}
