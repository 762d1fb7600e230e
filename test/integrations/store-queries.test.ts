import { parser } from '@grafana/lezer-logql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src';
import { MemoryTransport } from '../../src/testing';
import { createElasticsearchFormat } from '../../transports/http/formats/elasticsearchFormat';
import { DEFAULT_LOKI_LABELS } from '../../transports/http/formats/lokiLabels';
import { REPO } from '../support/paths';

const ALERTS = join(REPO, 'docs', 'alerts');

/** Syntax errors Grafana's LogQL grammar (the one its query editor uses) finds in a query. */
function logqlErrors(query: string): string[] {
  const errors: string[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: ${JSON.stringify(query.slice(Math.max(0, node.from - 20), node.to + 20))}`);
    },
  });
  return errors;
}

/** The `expr` of every rule in a Prometheus-style rules file (block scalars and one-liners). */
function ruleExprs(yaml: string): { alert: string; expr: string }[] {
  const out: { alert: string; expr: string }[] = [];
  for (const block of yaml.split(/\n\s+- alert: /).slice(1)) {
    const alert = block.split('\n')[0]!;
    const inline = /\n\s+expr: (?!\|)(.+)\n/.exec(block);
    if (inline) {
      out.push({ alert, expr: inline[1]! });
      continue;
    }
    const m = /\n(\s+)expr: \|\n((?:\1  .*\n|\s*\n)+)/.exec(block);
    if (!m) throw new Error(`no expr in ${alert}`);
    out.push({ alert, expr: m[2]!.split('\n').map((l) => l.trim()).join('\n').trim() });
  }
  return out;
}

/** A real error record, as prodlog writes it. */
function errorRecord(): Record<string, unknown> {
  const memory = new MemoryTransport();
  const log = createLogger({ name: 'checkout', capture: false, shutdown: false, warnings: false, transports: [{ type: 'custom', transport: memory }] });
  log.error(new RangeError('amount over the limit'), { orderId: 'o-1' });
  const [record] = memory.records;
  return record as Record<string, unknown>;
}

/** Every dotted path to a value in an object (`error.fingerprint`, `log.level`). */
function pathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => pathsOf(v, prefix === '' ? k : `${prefix}.${k}`));
}

describe('Loki rules (docs/alerts/loki-rules.yml)', () => {
  const rules = ruleExprs(readFileSync(join(ALERTS, 'loki-rules.yml'), 'utf8'));

  it('are LogQL that Grafana\'s grammar parses without an error', () => {
    expect(rules.map((r) => r.alert)).toEqual(['ErrorRateByFingerprint', 'NewErrorFingerprint', 'FatalRecord']);
    for (const { alert, expr } of rules) expect({ alert, errors: logqlErrors(expr) }).toEqual({ alert, errors: [] });
  });

  it('the grammar check finds a broken query', () => {
    expect(logqlErrors('sum by (service_name) (count_over_time({level="fatal"[5m]))')).not.toEqual([]);
    expect(logqlErrors(rules[1]!.expr.replace('unless', 'unles'))).not.toEqual([]);
  });

  it('select on the labels prodlog\'s loki format sets, and read keys prodlog\'s records have', () => {
    const labels = new Set(Object.keys(DEFAULT_LOKI_LABELS));
    const paths = new Set(pathsOf(errorRecord()));
    for (const { alert, expr } of rules) {
      for (const selector of expr.matchAll(/\{([^}]*)\}\s*(?:\||\[)/g)) {
        for (const matcher of selector[1]!.split(',')) {
          const label = /^\s*(\w+)\s*(=~|!~|!=|=)/.exec(matcher)?.[1];
          expect({ alert, label, known: label !== undefined && labels.has(label) }).toEqual({ alert, label, known: true });
        }
      }
      for (const extracted of expr.matchAll(/(\w+)="([\w.]+)"/g)) {
        if (labels.has(extracted[1]!)) continue; // a stream matcher, not a json extraction
        expect({ alert, key: extracted[2], inRecord: paths.has(extracted[2]!) }).toEqual({ alert, key: extracted[2], inRecord: true });
      }
    }
  });
});

describe('Elasticsearch queries (docs/alerts/elasticsearch-queries.json)', () => {
  const queries = JSON.parse(readFileSync(join(ALERTS, 'elasticsearch-queries.json'), 'utf8')) as Record<string, { body: unknown }>;
  const template = JSON.parse(readFileSync(join(ALERTS, 'elasticsearch-index-template.json'), 'utf8')) as { template: { mappings: unknown } };

  /** The fields a search body names: `field` values, the keys of term/terms/range/exists under `query`, sort keys, _source entries. */
  function fieldsOf(body: unknown): string[] {
    const out: string[] = [];
    const walk = (v: unknown, parent: string, inQuery: boolean): void => {
      if (Array.isArray(v)) {
        for (const item of v) {
          if (parent === '_source' && typeof item === 'string') out.push(item);
          else walk(item, parent, inQuery);
        }
        return;
      }
      if (typeof v !== 'object' || v === null) return;
      for (const [k, child] of Object.entries(v)) {
        if (k === 'field' && typeof child === 'string') out.push(child);
        else if ((inQuery && ['term', 'terms', 'range'].includes(parent)) || parent === 'sort') out.push(k);
        walk(child, k, k === 'query' ? true : k === 'aggs' ? false : inQuery);
      }
    };
    walk(body, '', false);
    return [...new Set(out)];
  }

  /** Mapped field paths of the template, with their types. */
  function mapped(props: unknown, prefix = ''): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, v] of Object.entries((props as { properties?: object }).properties ?? {})) {
      const path = prefix === '' ? k : `${prefix}.${k}`;
      const type = (v as { type?: string }).type;
      if (type !== undefined) out.set(path, type);
      for (const [p, t] of mapped(v, path)) out.set(p, t);
    }
    return out;
  }

  it('name only fields that prodlog\'s elasticsearch format writes, mapped by the index template', () => {
    const format = createElasticsearchFormat({ index: 'prodlog-%{service}', serviceName: 'checkout' });
    const [, source] = format.encode([{ line: `${JSON.stringify(errorRecord())}\n`, id: '1.0' }]).toString().split('\n');
    const docPaths = new Set(pathsOf(JSON.parse(source!)));
    const types = mapped(template.template.mappings);
    expect(Object.keys(queries)).toEqual(['error-rate-by-fingerprint', 'new-fingerprint-last-hour', 'fatal-last-5-minutes']);
    for (const [name, { body }] of Object.entries(queries)) {
      const fields = fieldsOf(body);
      expect(fields.length).toBeGreaterThan(2);
      for (const field of fields) expect({ name, field, inDocument: docPaths.has(field), mapped: types.has(field) }).toEqual({ name, field, inDocument: true, mapped: true });
    }
    // aggregations and exact filters need keyword (or date, number) fields
    for (const field of ['log.level', 'error.fingerprint', 'error.type', 'service.name']) expect(types.get(field)).toBe('keyword');
  });
});
