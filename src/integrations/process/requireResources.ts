import { parseOptions } from '../../core/config/describeIssues';
import type { Logger } from '../../core/Logger';
import { formatSize } from '../../core/config/formatSize';
import type { ParsedResourceNeeds, ResourceNeeds } from './resourceNeedsSchema';
import { cpusAvailable, diskFree, memoryAvailable } from './systemResources';

export type { ResourceNeeds };

/** One resource the service needs and what it found, as the FATAL record lists them. */
export interface ResourceShortfall {
  readonly resource: 'memory' | 'diskFree' | 'cpus';
  readonly path?: string;
  readonly needed: string | number;
  readonly found: string | number;
}

/** What the machine has; tests replace it. */
export interface ResourceProbes {
  memoryAvailable(): number;
  diskFree(path: string): number | undefined;
  cpusAvailable(): number;
}

const SYSTEM: ResourceProbes = { memoryAvailable, diskFree, cpusAvailable };

/**
 * Checks at startup that the machine gives the service what it needs, and
 * when it does not, ends it with FATAL naming what was needed and what was
 * found: `needs memory 32G, has 16G`. A folder that does not exist counts as
 * no free space. Bad needs (a typo, "32 gigs") throw ConfigError naming the
 * key and the value. Returns the shortfalls (always none when it returns).
 */
export function requireResources(log: Logger, needs: ResourceNeeds, probes: ResourceProbes = SYSTEM): readonly ResourceShortfall[] {
  // Required here, not imported: the schema (and zod) load when a service first checks its needs.
  const { needsSchema } = require('./resourceNeedsSchema') as typeof import('./resourceNeedsSchema');
  const shortfalls = findShortfalls(parseOptions(needsSchema, needs, 'requireResources'), probes);
  if (shortfalls.length === 0) return shortfalls;
  const summary = shortfalls.map((s) => `${s.resource}${s.path ? ` on ${s.path}` : ''} ${s.needed}, has ${s.found}`).join('; ');
  return log.fatal(`needs ${summary}`, { category: 'resource', shortfalls });
}

function findShortfalls(needs: ParsedResourceNeeds, probes: ResourceProbes): ResourceShortfall[] {
  const out: ResourceShortfall[] = [];
  if (needs.memory !== undefined) {
    const found = probes.memoryAvailable();
    if (found < needs.memory) out.push({ resource: 'memory', needed: formatSize(needs.memory), found: formatSize(found) });
  }
  const disks = needs.diskFree === undefined ? [] : Array.isArray(needs.diskFree) ? needs.diskFree : [needs.diskFree];
  for (const { path, min } of disks) {
    const found = probes.diskFree(path);
    if (found === undefined || found < min) {
      out.push({ resource: 'diskFree', path, needed: formatSize(min), found: found === undefined ? 'no such folder' : formatSize(found) });
    }
  }
  if (needs.cpus !== undefined) {
    const found = probes.cpusAvailable();
    if (found < needs.cpus) out.push({ resource: 'cpus', needed: needs.cpus, found });
  }
  return out;
}
