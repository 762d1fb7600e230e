'use strict';
/**
 * Stand-in receivers for the stores that cannot run on this machine (Loki,
 * Elasticsearch, an OpenTelemetry collector) and a plain JSON sink for
 * winston's Http transport: node:http servers on 127.0.0.1 that answer as
 * the real ones do and count what they receive. Every record the load
 * benchmark logs carries `seq`, its sequence number, so a receiver's tally
 * is `received` (records with a seq, counting every copy) and `distinct`
 * (different seq values): duplicates are received - distinct.
 *
 * A stand-in can be stopped and started again on the same port, for the
 * receiver-down runs: while stopped, connecting is refused.
 */
const http = require('node:http');
const { gunzipSync, inflateSync } = require('node:zlib');

const SEQ_IN_JSON = /"seq":(\d+)/;

/** What one receiver has taken since its last reset. */
class Tally {
  constructor() {
    this.reset();
  }

  reset() {
    this.seqs = new Set();
    this.received = 0;
    this.withoutSeq = 0;
    this.requests = 0;
  }

  add(seq) {
    if (seq === undefined || seq === null || !Number.isFinite(Number(seq))) {
      this.withoutSeq++;
      return;
    }
    this.received++;
    this.seqs.add(Number(seq));
  }

  /** received, distinct (only seq below `logged`, the records of this run), duplicates. */
  snapshot(logged = Infinity) {
    let distinct = 0;
    for (const s of this.seqs) if (s < logged) distinct++;
    return { received: this.received, distinct, duplicates: this.received - this.seqs.size, withoutSeq: this.withoutSeq, requests: this.requests };
  }
}

/** The receivers by kind: what each answers and how it finds the records in a body. */
const KINDS = {
  /** Loki's push API in JSON: {streams:[{stream, values:[[ts, line], ...]}]}; 204 as Loki answers. */
  loki: {
    label: 'Loki push API',
    handle(req, body, tally) {
      if (req.method !== 'POST' || !req.url.startsWith('/loki/api/v1/push')) return json(404, { message: '404 page not found' });
      if (!String(req.headers['content-type']).includes('json')) return json(415, { message: 'stand-in takes JSON pushes only' });
      for (const stream of JSON.parse(body).streams ?? []) {
        for (const [, line] of stream.values ?? []) tally.add(line.match(SEQ_IN_JSON)?.[1]);
      }
      return { status: 204 };
    },
  },

  /**
   * Elasticsearch 8: GET / with the version, _bulk answered item by item (an
   * _id already taken is a 409, as a real index answers a repeated `create`),
   * _refresh. Every answer carries X-Elastic-Product, which the official
   * client checks.
   */
  elasticsearch: {
    label: 'Elasticsearch 8 bulk API',
    state: () => ({ ids: new Set() }),
    handle(req, body, tally, state) {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path === '/') return es(200, ES_INFO);
      if (path.endsWith('/_refresh')) return es(200, { _shards: { total: 1, successful: 1, failed: 0 } });
      if (req.method !== 'POST' || !path.endsWith('/_bulk')) return es(200, {});
      const lines = body.toString('utf8').split('\n');
      const items = [];
      let errors = false;
      for (let i = 0; i + 1 < lines.length; i += 2) {
        if (lines[i] === '') {
          i--; // a blank line: step one line on
          continue;
        }
        const action = JSON.parse(lines[i]);
        const op = Object.keys(action)[0];
        const meta = action[op];
        tally.add(lines[i + 1].match(SEQ_IN_JSON)?.[1]);
        const id = meta._id ?? `sid-${state.ids.size + 1}`;
        if (meta._id !== undefined && state.ids.has(id) && op === 'create') {
          errors = true;
          items.push({ [op]: { _index: meta._index, _id: id, status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, document already exists` } } });
        } else {
          state.ids.add(id);
          items.push({ [op]: { _index: meta._index, _id: id, _version: 1, result: 'created', status: 201 } });
        }
      }
      return es(200, { took: 1, errors, items });
    },
  },

  /** OTLP/HTTP logs, protobuf or JSON; an empty answer means every record was accepted. */
  otlp: {
    label: 'OTLP/HTTP logs',
    handle(req, body, tally) {
      if (req.method !== 'POST' || !req.url.startsWith('/v1/logs')) return json(404, {});
      if (String(req.headers['content-type']).includes('protobuf')) {
        for (const seq of otlpProtobufSeqs(body)) tally.add(seq);
        return { status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.alloc(0) };
      }
      for (const r of JSON.parse(body).resourceLogs ?? []) {
        for (const s of r.scopeLogs ?? []) {
          for (const record of s.logRecords ?? []) {
            const value = record.attributes?.find((a) => a.key === 'seq')?.value;
            tally.add(value?.intValue ?? value?.doubleValue ?? value?.stringValue);
          }
        }
      }
      return json(200, {});
    },
  },

  /** Any JSON POST: one record or an array of records (winston's Http transport, batched or not). */
  json: {
    label: 'JSON over HTTP',
    handle(req, body, tally) {
      if (req.method !== 'POST') return json(405, {});
      const parsed = JSON.parse(body);
      for (const record of Array.isArray(parsed) ? parsed : [parsed]) tally.add(record?.seq ?? record?.params?.seq);
      return json(200, {});
    },
  },
};

const ES_INFO = {
  name: 'stand-in',
  cluster_name: 'prodlog-bench',
  cluster_uuid: 'aRJ6GyfkQ8eKc6XwC8OOIA',
  version: { number: '8.17.0', build_flavor: 'default', build_type: 'tar', lucene_version: '9.12.0', minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0' },
  tagline: 'You Know, for Search',
};

function json(status, value) {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function es(status, value) {
  return { status, headers: { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' }, body: JSON.stringify(value) };
}

/**
 * One stand-in of `kind` on a free port (or `port`), listening. stop() and
 * start() take it down and up on the same port; tally counts across both.
 */
async function startStandIn(kind, port = 0) {
  const spec = KINDS[kind];
  if (!spec) throw new Error(`no stand-in for ${kind}`);
  const tally = new Tally();
  let state = spec.state?.() ?? null;
  const errors = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      tally.requests++;
      let reply;
      try {
        reply = spec.handle(req, decode(req, Buffer.concat(chunks)), tally, state);
      } catch (err) {
        if (errors.length < 5) errors.push(`${req.method} ${req.url}: ${err.message}`);
        reply = json(400, { error: err.message });
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  server.keepAliveTimeout = 5_000;
  const listen = (p) => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
  const boundPort = await listen(port);
  return {
    kind,
    label: spec.label,
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}`,
    tally,
    errors,
    /** Forgets what was received (and, for Elasticsearch, the ids taken): a fresh store for the next run. */
    reset() {
      tally.reset();
      state = spec.state?.() ?? null;
      errors.length = 0;
    },
    get listening() {
      return server.listening;
    },
    async stop() {
      if (!server.listening) return;
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
    async start() {
      if (!server.listening) await listen(boundPort);
    },
  };
}

function decode(req, body) {
  const encoding = req.headers['content-encoding'];
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}

/**
 * The `seq` attribute of every log record in an OTLP ExportLogsServiceRequest
 * in protobuf, read with a minimal wire-format walker (the project has
 * OpenTelemetry's serialisers but no request decoder):
 * ExportLogsServiceRequest.resource_logs(1) > ResourceLogs.scope_logs(2) >
 * ScopeLogs.log_records(2) > LogRecord.attributes(6) > KeyValue key(1),
 * value(2) > AnyValue int_value(3) | double_value(4) | string_value(1).
 * A record without a seq attribute yields undefined.
 */
function otlpProtobufSeqs(buf) {
  const seqs = [];
  for (const rl of submessages(buf, 0, buf.length, 1)) {
    for (const sl of submessages(buf, rl.start, rl.end, 2)) {
      for (const rec of submessages(buf, sl.start, sl.end, 2)) {
        let seq;
        for (const kv of submessages(buf, rec.start, rec.end, 6)) {
          const key = submessages(buf, kv.start, kv.end, 1)[0];
          if (!key || buf.toString('utf8', key.start, key.end) !== 'seq') continue;
          const value = submessages(buf, kv.start, kv.end, 2)[0];
          if (value) seq = anyValueNumber(buf, value.start, value.end);
        }
        seqs.push(seq);
      }
    }
  }
  return seqs;
}

/** The length-delimited fields numbered `wanted` in buf[start, end), as byte ranges; other fields are skipped. */
function submessages(buf, start, end, wanted) {
  const out = [];
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(buf, pos);
    pos = afterTag;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) pos = varint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [length, afterLength] = varint(buf, pos);
      if (field === wanted) out.push({ start: afterLength, end: afterLength + length });
      pos = afterLength + length;
    } else throw new Error(`protobuf wire type ${wire} at ${pos}`);
  }
  return out;
}

function anyValueNumber(buf, start, end) {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(buf, pos);
    pos = afterTag;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 3 && wire === 0) return varint(buf, pos)[0];
    if (field === 4 && wire === 1) return buf.readDoubleLE(pos);
    if (wire === 0) pos = varint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [length, afterLength] = varint(buf, pos);
      if (field === 1) return buf.toString('utf8', afterLength, afterLength + length);
      pos = afterLength + length;
    } else throw new Error(`protobuf wire type ${wire} at ${pos}`);
  }
  return undefined;
}

/** A varint as a Number (exact below 2^53, enough for tags, lengths and seq) and the position after it. */
function varint(buf, pos) {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('protobuf: truncated varint');
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

module.exports = { startStandIn, Tally, otlpProtobufSeqs, STAND_IN_KINDS: Object.keys(KINDS) };
