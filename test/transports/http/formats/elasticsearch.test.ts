import { createElasticsearchFormat, readBulkItemErrors } from '../../../../transports/http/formats/elasticsearchFormat';
import { checkIndexPattern, compileIndexPattern, DEFAULT_INDEX_PATTERN } from '../../../../transports/http/formats/indexPattern';
import type { SpoolRecord } from '../../../../transports/shipping/Sink';

const format = createElasticsearchFormat({ index: DEFAULT_INDEX_PATTERN, serviceName: 'fallback' });

function line(extra: Record<string, unknown> = {}, time = '2026-11-26T23:59:59.999Z'): string {
  return `${JSON.stringify({ level: 'info', time, pid: 7, hostname: 'vm', name: 'Checkout', ...extra, msg: 'hello' })}\n`;
}

/** The documented _bulk body: NDJSON, an action line then a source line per document, ending in a newline. */
function parseBulk(bytes: Buffer | string): { action: Record<string, Record<string, string>>; doc: Record<string, unknown> }[] {
  const body = bytes.toString();
  expect(body.endsWith('\n')).toBe(true);
  const lines = body.slice(0, -1).split('\n');
  expect(lines.length % 2).toBe(0);
  const out = [];
  for (let i = 0; i < lines.length; i += 2) {
    out.push({ action: JSON.parse(lines[i]!), doc: JSON.parse(lines[i + 1]!) });
  }
  return out;
}

describe('elasticsearch format', () => {
  it('writes a create action into a date-patterned index per record, using the record time in UTC', () => {
    const body = format.encode([{ line: line() }, { line: line({}, '2026-11-27T00:00:00.000Z') }]).toString();
    const items = parseBulk(body);
    expect(items.map((i) => i.action)).toEqual([{ create: { _index: 'prodlog-checkout-2026.11.26' } }, { create: { _index: 'prodlog-checkout-2026.11.27' } }]);
  });

  it('maps the record onto ECS field names', () => {
    const err = { type: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at x', code: 'E_BAD' };
    const [item] = parseBulk(format.encode([{ line: line({ err, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', orderId: 42 }) }]));
    expect(item!.doc).toEqual({
      '@timestamp': '2026-11-26T23:59:59.999Z',
      'log.level': 'info',
      message: 'hello',
      ecs: { version: '8.11.0' },
      service: { name: 'Checkout' },
      host: { hostname: 'vm' },
      process: { pid: 7 },
      error: { type: 'TypeError', message: 'bad', stack_trace: 'TypeError: bad\n    at x', code: 'E_BAD' },
      trace: { id: '4bf92f3577b34da6a3ce929d0e0e4736' },
      span: { id: '00f067aa0ba902b7' },
      orderId: 42,
    });
  });

  it('renames a field that would clash with an ECS object', () => {
    const [item] = parseBulk(format.encode([{ line: line({ host: 'db-1', service: 'x', user: { id: 1 } }) }]));
    expect(item!.doc).toMatchObject({ host: { hostname: 'vm' }, host_: 'db-1', service: { name: 'Checkout' }, service_: 'x', user: { id: 1 } });
  });

  it('sends the spool id as _id so a resent record is refused as a duplicate', () => {
    const records: SpoolRecord[] = [{ line: line(), id: 'abc-1' }];
    expect(parseBulk(format.encode(records))[0]!.action).toEqual({ create: { _index: 'prodlog-checkout-2026.11.26', _id: 'abc-1' } });
  });

  it('still delivers a line that is not JSON, as a message stamped now in the fallback service index', () => {
    const [item] = parseBulk(format.encode([{ line: 'torn {"lev' }]));
    expect(item!.doc['message']).toBe('torn {"lev');
    expect(item!.action['create']!['_index']).toMatch(/^prodlog-fallback-\d{4}\.\d\d\.\d\d$/);
    expect(Math.abs(Date.parse(item!.doc['@timestamp'] as string) - Date.now())).toBeLessThan(5_000);
  });

  it('allocates the body of a large batch once, instead of growing it', () => {
    const records = Array.from({ length: 10_000 }, (_, i) => ({ line: line({ orderId: i, route: '/api/orders/:id' }), id: `mbx3k2a1c0001-3f2a1b.${100000 + i}` }));
    const allocations = jest.spyOn(Buffer, 'allocUnsafe');
    try {
      const body = format.encode(records);
      expect(allocations).toHaveBeenCalledTimes(1);
      expect(parseBulk(body)).toHaveLength(10_000);
    } finally {
      allocations.mockRestore();
    }
  });
});

describe('index patterns', () => {
  it('fills %{service} lower-cased and index-safe, and the date tokens in UTC', () => {
    const at = Date.parse('2026-01-02T03:04:05Z');
    expect(compileIndexPattern('logs-%{service}-%{+yyyy.MM.dd.HH}')('My Service/1', at)).toBe('logs-my-service-1-2026.01.02.03');
    expect(compileIndexPattern('logs-%{+yyyy-MM}')('x', at)).toBe('logs-2026-01');
  });

  it('gives each record the name for its own service and hour, however services and hours alternate', () => {
    const indexFor = compileIndexPattern('logs-%{service}-%{+yyyy.MM.dd.HH}');
    const at = (iso: string) => Date.parse(iso);
    expect(indexFor('A', at('2026-01-02T03:59:59.999Z'))).toBe('logs-a-2026.01.02.03');
    expect(indexFor('B', at('2026-01-02T03:00:00.000Z'))).toBe('logs-b-2026.01.02.03');
    expect(indexFor('A', at('2026-01-02T04:00:00.000Z'))).toBe('logs-a-2026.01.02.04');
    expect(indexFor('B', at('2026-01-02T04:30:00.000Z'))).toBe('logs-b-2026.01.02.04');
    expect(indexFor('A', at('2026-01-02T03:10:00.000Z'))).toBe('logs-a-2026.01.02.03');
    expect(indexFor('A', at('2026-01-03T03:10:00.000Z'))).toBe('logs-a-2026.01.03.03');
    // More services in one hour than the cache keeps: every name is still right.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2_500; i++) expect(indexFor(`S${i}`, at('2026-01-02T05:00:00.000Z'))).toBe(`logs-s${i}-2026.01.02.05`);
    }
  });

  it('rejects patterns that cannot give a valid index name, saying why', () => {
    expect(checkIndexPattern(DEFAULT_INDEX_PATTERN)).toBeUndefined();
    expect(checkIndexPattern('Logs-%{service}')).toMatch(/lower case/);
    expect(checkIndexPattern('_logs')).toMatch(/cannot start/);
    expect(checkIndexPattern('logs-%{host}')).toMatch(/%\{service\}/);
  });
});

describe('bulk item errors', () => {
  // A bulk answer as Elasticsearch documents it, with filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason.
  const answer = JSON.stringify({
    errors: true,
    items: [
      { create: { status: 201 } },
      { create: { status: 409, error: { type: 'version_conflict_engine_exception', reason: '[abc-1]: version conflict, document already exists' } } },
      { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' } } },
      { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: "failed to parse field [orderId] of type [long]" } } },
      { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: "failed to parse field [orderId] of type [long]" } } },
      { create: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } } },
    ],
  });

  it('retries transient item failures, rejects permanent ones, and counts 409 on our own id as delivered', () => {
    const result = readBulkItemErrors(answer, 6);
    expect(result).toMatchObject({ retry: [2, 5], rejected: [3, 4], rejectedUnidentified: 0 });
    expect(result!.reason).toContain('2x 400 mapper_parsing_exception');
    expect(result!.reason).toContain('429 es_rejected_execution_exception');
  });

  it('sees full success in errors:false, in a body that is not JSON, and in items that all succeeded', () => {
    expect(readBulkItemErrors('{"errors":false}', 3)).toBeUndefined();
    expect(readBulkItemErrors('', 3)).toBeUndefined();
    expect(readBulkItemErrors('{"errors":true,"items":[{"create":{"status":201}},{"create":{"status":409}}]}', 2)).toBeUndefined();
  });
});
