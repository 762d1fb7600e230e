// A STAND-IN for a central log store, for the demo and for trying the
// service by hand: it accepts what prodlog's `http` transport sends in the
// `ndjson` format (POST, one JSON record per line, each with its spool id
// under "logId") and keeps a count. It stores nothing and is not a log
// store; point PRODLOG_SHIP_URL at a real one (ClickHouse, Vector, Fluent
// Bit, Logstash) to ship for real.
//
//   node examples/service/stand-in-receiver.js [port]     (default 4319)
const http = require('node:http');

/**
 * A receiver that can be stopped and started again on the same port, to
 * show an outage. `ids` outlives restarts: at-least-once delivery may send a
 * record twice (same logId), so records are counted once per id.
 */
function createStandIn(port = 0) {
  const ids = new Set();
  let lastRecord;
  let requests = 0;
  let server;
  const standIn = {
    port,
    get url() {
      return `http://127.0.0.1:${standIn.port}/ingest`;
    },
    /** Distinct records received over every start. */
    get records() {
      return ids.size;
    },
    get requests() {
      return requests;
    },
    get lastRecord() {
      return lastRecord;
    },
    start() {
      server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          requests++;
          for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
            if (line === '') continue;
            const record = JSON.parse(line);
            ids.add(record.logId);
            lastRecord = record;
          }
          res.writeHead(200).end();
        });
      });
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(standIn.port, '127.0.0.1', () => {
          standIn.port = server.address().port;
          resolve(standIn);
        });
      });
    },
    /** Stops listening and cuts open connections: to the service, the receiver is down. */
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}

module.exports = { createStandIn };

if (require.main === module) {
  const standIn = createStandIn(Number(process.argv[2] ?? 4319));
  standIn.start().then(() => {
    process.stdout.write(`stand-in receiver (not a real log store) listening on ${standIn.url}\n`);
    setInterval(() => process.stdout.write(`${standIn.records} records received\n`), 5000).unref();
  });
}
