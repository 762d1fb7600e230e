-- Alert and review queries for prodlog records in ClickHouse, on the table
-- `prodlog clickhouse-schema` prints (here named logs). Each query starts with
-- a "-- query: <name>" line; an alerting tool (Grafana's ClickHouse data
-- source, a cron job with clickhouse-client) runs it and alerts when it
-- returns rows. Tested against a real ClickHouse on records shipped by
-- prodlog: test/cli/clickhouse-schema.system.test.ts.

-- query: error-rate-by-fingerprint
-- Error and fatal records per fingerprint over the last 5 minutes, the most
-- frequent first. Alert on per_second above what the service normally has;
-- records without an error object are the fingerprint ''.
SELECT
  `err.fingerprint` AS fingerprint,
  any(`err.type`) AS type,
  count() AS records,
  round(count() / 300, 3) AS per_second,
  max(event_time) AS last_seen,
  anyLast(msg) AS example
FROM logs
WHERE event_time >= now() - INTERVAL 5 MINUTE
  AND level IN ('error', 'fatal')
GROUP BY fingerprint
ORDER BY records DESC
LIMIT 50;

-- query: new-fingerprint-last-hour
-- Fingerprints of the last hour that no record of the 30 days before had
-- (30 days: the table's TTL). A new kind of exception, usually the last
-- deploy's. Reading the fingerprints of 30 days touches one column, sorted
-- by hour and fingerprint.
SELECT
  `err.fingerprint` AS fingerprint,
  any(`err.type`) AS type,
  count() AS records,
  min(event_time) AS first_seen,
  any(name) AS service,
  anyLast(msg) AS example
FROM logs
WHERE event_time >= now() - INTERVAL 1 HOUR
  AND `err.fingerprint` != ''
  AND `err.fingerprint` NOT IN (
    SELECT `err.fingerprint`
    FROM logs
    WHERE event_time >= now() - INTERVAL 30 DAY
      AND event_time < now() - INTERVAL 1 HOUR
      AND `err.fingerprint` != ''
  )
GROUP BY fingerprint
ORDER BY first_seen;

-- query: fatal-last-5-minutes
-- Every FATAL record of the last 5 minutes: a process exited.
SELECT
  time,
  name,
  hostname,
  pid,
  msg,
  `err.type` AS type,
  `err.fingerprint` AS fingerprint,
  logId
FROM logs
WHERE event_time >= now() - INTERVAL 5 MINUTE
  AND level = 'fatal'
ORDER BY event_time DESC, event_ms DESC;
