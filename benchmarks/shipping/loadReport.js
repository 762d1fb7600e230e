'use strict';
/**
 * RESULTS.md and chart.svg of the load benchmark, from load-results.json
 * alone (load.js --render rebuilds them without running anything): medians
 * and ranges over rounds, the project's goals checked against them, and
 * notes taken from what the runs reported. No figure here is written by
 * hand.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { stats } = require('../lib/stats');
const { contention } = require('../lib/summarise');
const { text, f } = require('../lib/barChart');

const FILE_BASELINE = 'prodlog-file';
const SERVICE_BASELINE = 'prodlog-file';
const SERVICE_SHIPPER = 'prodlog-ndjson';
const GOALS = { elu: 1.3, delay: 2, serviceP99: 1.1 };
/** The peer that speaks the same protocol as each prodlog shipper, named beside the cheapest peer in the CPU goal. */
const SAME_PROTOCOL_PEER = {
  'prodlog-ndjson': 'winston-http',
  'prodlog-loki': 'pino-loki',
  'prodlog-elasticsearch': 'pino-elasticsearch',
  'prodlog-otlp': 'pino-otlp',
  'prodlog-syslog-tcp': 'pino-socket',
  'prodlog-syslog-relp': 'pino-socket',
};
const FAMILY_COLORS = { prodlog: '#0969da', pino: '#1a7f37', winston: '#8250df', none: '#57606a' };

function writeLoadReport(outDir, results) {
  const summary = summarise(results);
  writeFileSync(join(outDir, 'RESULTS.md'), markdown(results, summary));
  writeFileSync(join(outDir, 'chart.svg'), chartSvg(results, summary));
}

/** Per configuration and phase: stats over rounds of each figure; per service configuration likewise. */
function summarise(results) {
  const load = results.configs.map((config) => {
    const of = (phase) => {
      const runs = results.runs.filter((r) => r.config === config.id && r.phase === phase);
      const ok = runs.filter((r) => r.error === undefined);
      const figure = (key) => stats(ok.map((r) => r[key]).filter((v) => typeof v === 'number'));
      return {
        runs: runs.length,
        failed: runs.filter((r) => r.error !== undefined).map((r) => `round ${r.round}: ${r.error}`),
        logged: ok[0]?.logged ?? null,
        elu: figure('elu'),
        delayP99Ms: figure('delayP99Ms'),
        cpuUsPerRecord: figure('cpuUsPerRecord'),
        peakRssMb: figure('peakRssMb'),
        closeMs: figure('closeMs'),
        deliveredShare: stats(ok.filter((r) => typeof r.delivered === 'number').map((r) => r.delivered / r.logged)),
        duplicates: stats(ok.filter((r) => typeof r.duplicates === 'number').map((r) => r.duplicates)),
        afterRecoveryShare: stats(ok.filter((r) => typeof r.deliveredAfterRecovery === 'number').map((r) => r.deliveredAfterRecovery / r.logged)),
        recoveryDuplicates: stats(ok.filter((r) => r.recovery).map((r) => r.recovery.duplicates)),
        closes: [...new Set(ok.map((r) => r.close))],
        ok,
      };
    };
    return { ...config, up: of('up'), down: of('down') };
  });
  const service = (results.serviceConfigs ?? []).map((config) => {
    const runs = results.service.filter((r) => r.config === config.id);
    const ok = runs.filter((r) => r.error === undefined);
    const figure = (key) => stats(ok.map((r) => r[key]).filter((v) => typeof v === 'number'));
    return {
      ...config,
      failed: runs.filter((r) => r.error !== undefined).map((r) => `round ${r.round}: ${r.error}`),
      requestsPerSec: figure('requestsPerSec'),
      p99: figure('latencyP99FineMs'),
      p50: figure('latencyP50FineMs'),
      autocannonP99: figure('latencyP99Ms'),
      pacedRequestsPerSec: stats(ok.map((r) => r.paced?.requestsPerSec).filter((v) => typeof v === 'number')),
      pacedP50: stats(ok.map((r) => r.paced?.latencyP50FineMs).filter((v) => typeof v === 'number')),
      pacedP99: stats(ok.map((r) => r.paced?.latencyP99FineMs).filter((v) => typeof v === 'number')),
      deliveredShare: stats(ok.filter((r) => typeof r.delivered === 'number').map((r) => r.delivered / r.service.records)),
    };
  });
  return { load, service, goals: evaluateGoals(load, service) };
}

function evaluateGoals(load, service) {
  const base = load.find((c) => c.id === FILE_BASELINE);
  const shippers = load.filter((c) => c.family === 'prodlog' && c.receiver);
  const peers = load.filter((c) => c.family !== 'prodlog' && c.receiver && c.up.cpuUsPerRecord.median !== null);
  const goals = [];
  const ratio = (a, b) => (a === null || b === null || b === undefined || !b ? null : a / b);
  for (const s of shippers) {
    const elu = ratio(s.up.elu.median, base?.up.elu.median);
    goals.push({ goal: `${s.label}: main-thread ELU vs prodlog file alone`, target: `<= ${GOALS.elu}x`, measured: elu === null ? 'not run' : `${elu.toFixed(2)}x (${fix(s.up.elu.median, 3)} vs ${fix(base.up.elu.median, 3)})`, met: elu === null ? null : elu <= GOALS.elu });
  }
  for (const s of shippers) {
    const delay = ratio(s.up.delayP99Ms.median, base?.up.delayP99Ms.median);
    goals.push({ goal: `${s.label}: p99 event-loop delay vs prodlog file alone`, target: `<= ${GOALS.delay}x`, measured: delay === null ? 'not run' : `${delay.toFixed(2)}x (${fix(s.up.delayP99Ms.median, 2)} vs ${fix(base.up.delayP99Ms.median, 2)} ms)`, met: delay === null ? null : delay <= GOALS.delay });
  }
  for (const s of shippers) {
    const upRuns = s.up.ok.filter((r) => typeof r.delivered === 'number');
    const downRuns = s.down.ok.filter((r) => typeof r.deliveredAfterRecovery === 'number');
    const missing = upRuns.length + downRuns.length === 0;
    const lostUp = upRuns.filter((r) => r.delivered < r.logged).length;
    const lostDown = downRuns.filter((r) => r.deliveredAfterRecovery < r.logged).length;
    const failed = s.up.failed.length + s.down.failed.length;
    goals.push({
      goal: `${s.label}: every record delivered, receiver up and after recovery`,
      target: '100% in every run',
      measured: missing ? 'not run' : `receiver up: ${upRuns.length - lostUp} of ${upRuns.length} runs complete; after recovery: ${downRuns.length - lostDown} of ${downRuns.length} runs complete${failed ? `; ${failed} runs failed` : ''}`,
      met: missing ? null : lostUp === 0 && lostDown === 0 && failed === 0,
    });
  }
  for (const s of shippers) {
    const cheapest = peers.reduce((a, b) => (a === null || b.up.cpuUsPerRecord.median < a.up.cpuUsPerRecord.median ? b : a), null);
    const ours = s.up.cpuUsPerRecord.median;
    const twin = peers.find((p) => p.id === SAME_PROTOCOL_PEER[s.id]);
    const twinText = twin && twin !== cheapest ? `; same protocol: ${fix(twin.up.cpuUsPerRecord.median, 1)} µs (${twin.label}): ${(ours / twin.up.cpuUsPerRecord.median).toFixed(2)}x` : '';
    goals.push({
      goal: `${s.label}: CPU per record vs every peer shipper`,
      target: '<= the cheapest peer',
      measured: ours === null || !cheapest ? 'not run' : `${fix(ours, 1)} µs vs ${fix(cheapest.up.cpuUsPerRecord.median, 1)} µs (cheapest: ${cheapest.label}): ${(ours / cheapest.up.cpuUsPerRecord.median).toFixed(2)}x${twinText}`,
      met: ours === null || !cheapest ? null : ours <= cheapest.up.cpuUsPerRecord.median,
    });
  }
  const sBase = service.find((c) => c.id === SERVICE_BASELINE);
  const sShip = service.find((c) => c.id === SERVICE_SHIPPER);
  for (const [how, key] of [['at a fixed rate', 'pacedP99'], ['saturated (as many requests as the connections carry)', 'p99']]) {
    const p99 = ratio(sShip?.[key].median ?? null, sBase?.[key].median);
    goals.push({
      goal: `service p99 latency ${how}, ${sShip?.label ?? SERVICE_SHIPPER} vs ${sBase?.label ?? SERVICE_BASELINE}`,
      target: `<= ${GOALS.serviceP99}x`,
      measured: p99 === null ? 'not run' : `${p99.toFixed(2)}x (${fix(sShip[key].median, 3)} vs ${fix(sBase[key].median, 3)} ms)`,
      met: p99 === null ? null : p99 <= GOALS.serviceP99,
    });
  }
  return goals;
}

function markdown(results, summary) {
  const s = results.settings;
  const m = results.machine;
  const minutes = results.durationS ? `${(results.durationS / 60).toFixed(1)} min` : 'unknown';
  const receivers = Object.entries(results.receivers);
  const real = receivers.filter(([, r]) => r.real).map(([, r]) => r.label);
  const standIns = receivers.filter(([, r]) => !r.real).map(([, r]) => r.label);
  const versions = Object.entries(m.versions ?? {}).filter(([k, v]) => v !== 'not installed' && ['prodlog', 'pino', 'sonic-boom', 'thread-stream', 'winston'].includes(k)).map(([k, v]) => `${k} ${v}`).join(', ');
  const peerVersions = Object.entries(results.peerVersions ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  const others = contention(results.runs);
  const othersText = others
    ? ` While a run's process lived, the rest of the machine (the receivers, the benchmark's own process and whatever else ran) used a median ${pct(others.median)} of its CPUs (90th percentile ${pct(others.p90)}, over ${others.runs} processes).`
    : '';
  const build = results.build ? ` prodlog as built at ${results.build.builtAt.slice(0, 16).replace('T', ' ')} UTC (repository at ${results.build.gitHead}${results.build.sourceChanged ? ', with uncommitted changes under src/ or transports/' : ''}), copied aside for the run.` : '';
  const lines = [
    '# What a service feels when it ships logs',
    '',
    `Generated by \`npm ci --prefix benchmarks && node benchmarks/shipping/load.js\` on ${results.startedAt.slice(0, 10)} (the run took ${minutes}); \`node benchmarks/shipping/load.js --render\` rebuilds this file and chart.svg from load-results.json.`,
    '',
    `**Machine:** ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${m.loadAverage.join(' ')} at the start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(' ')} at the end` : ''} (a shared machine: other work ran meanwhile).${othersText} ${versions}${peerVersions ? `, ${peerVersions}` : ''}.${build}`,
    '',
    `**How:** ${s.rounds} round${s.rounds === 1 ? '' : 's'}, configurations interleaved (every configuration once per round, in reverse order every other round); medians, with the range over rounds as min–max. Each run is a fresh process logging ${fmt(s.rate)} object records/s (\`OBJECT_FIELDS\` of benchmarks/cases/records.js plus \`seq\`, the record's number) for ${s.seconds} s in ticks of about 1 ms (the number due is taken from the clock each tick, so a late tick catches up), then closing the logger as its documentation says, then waiting up to 10 s for the receiver's count to stop rising. ELU is the main thread's event-loop utilisation and p99 delay the 99th percentile of \`monitorEventLoopDelay({ resolution: 1 })\`, both over the logging window; CPU is the whole process's (\`process.cpuUsage()\`, worker threads included) from the first record to the end of close, divided by the records logged; peak RSS is the process's \`maxRSS\`. Delivered is the number of distinct \`seq\` values the receiver holds, duplicates the records it received more than once.`,
    '',
    `**Receiver down:** the same run with the receiver stopped for the whole window (connections refused on its port) and started once the logger has closed; prodlog's close gives up after 2 s (\`closeTimeout\`) and leaves the backlog in its spool, and a fresh prodlog process on the same spool, receiver up, delivers it and closes: that is prodlog's "delivered after recovery". For the peers it is whatever reached the receiver within 12 s of its start, from the same process.`,
    '',
    `**Receivers:** real: ${real.join(', ') || 'none'}; stand-ins (node:http servers in the benchmark's parent process that answer as the real ones do and count records): ${standIns.join(', ') || 'none'}. Every prodlog shipper spools to its own fresh folder.`,
    '',
    '## Receiver up',
    '',
    '| configuration | receiver | delivered / logged | duplicates | main-thread ELU | p99 event-loop delay, ms | CPU µs / record | peak RSS, MB | delivered after recovery (receiver down) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...summary.load.map((c) => {
      const u = c.up;
      if (u.ok.length === 0) return `| ${c.label} | ${receiverLabel(results, c)} | failed | | | | | | |`;
      return `| ${c.label} | ${receiverLabel(results, c)} | ${c.receiver ? share(u.deliveredShare, u.logged) : 'file only'} | ${c.receiver ? range(u.duplicates, 0) : ''} | ${range(u.elu, 3)} | ${range(u.delayP99Ms, 1)} | ${range(u.cpuUsPerRecord, 1)} | ${range(u.peakRssMb, 0)} | ${c.receiver ? share(c.down.afterRecoveryShare, c.down.logged) : ''} |`;
    }),
    '',
    '## Receiver down for the whole window',
    '',
    '| configuration | delivered after recovery | duplicates after recovery | main-thread ELU | p99 event-loop delay, ms | CPU µs / record | peak RSS, MB | close, ms | close outcome |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...summary.load.filter((c) => c.receiver && c.down.runs > 0).map((c) => {
      const d = c.down;
      if (d.ok.length === 0) return `| ${c.label} | failed | | | | | | | |`;
      return `| ${c.label} | ${share(d.afterRecoveryShare, d.logged)} | ${c.family === 'prodlog' ? range(d.recoveryDuplicates, 0) : ''} | ${range(d.elu, 3)} | ${range(d.delayP99Ms, 1)} | ${range(d.cpuUsPerRecord, 1)} | ${range(d.peakRssMb, 0)} | ${range(d.closeMs, 0)} | ${d.closes.join('; ')} |`;
    }),
    '',
  ];
  if (summary.service.length > 0) {
    lines.push(
      '## Service level',
      '',
      `A node:http server in its own process logging two records per request (\`request started\` and \`request completed\`, a few fields each), driven by autocannon from the benchmark's process with ${s.connections} connections for ${s.serviceSeconds} s after a 1 s warm-up. ${results.service.length > 0 && results.service.every((r) => r.pinned) ? 'The service runs on one CPU (every thread of it, its delivery or transport workers included) and autocannon and the receivers on the other (taskset), as on machines of their own.' : 'Not every run could be pinned to its own CPU (taskset): the service shared both CPUs with autocannon and the receivers.'} Latency percentiles from every response's latency in microseconds (autocannon's own histogram keeps whole milliseconds; its p99 is shown too).`,
      '',
      '| service | requests/s | p50 latency, ms | p99 latency, ms | autocannon p99, ms | delivered / logged |',
      '|---|---:|---:|---:|---:|---:|',
      ...summary.service.map((c) => (c.requestsPerSec.median === null ? `| ${c.label} | failed | | | | |` : `| ${c.label} | ${range(c.requestsPerSec, 0)} | ${range(c.p50, 3)} | ${range(c.p99, 3)} | ${range(c.autocannonP99, 0)} | ${c.deliveredShare.median === null ? '' : pct(c.deliveredShare.min)} |`)),
      '',
      `The same service and connections at a fixed ${s.serviceRate ?? '?'} requests/s (autocannon's \`overallRate\`), below what every configuration can carry: the latency a service with headroom feels. Saturated, the figures above show what the service's one CPU can carry with each logger.`,
      '',
      '| service | requests/s | p50 latency, ms | p99 latency, ms |',
      '|---|---:|---:|---:|',
      ...summary.service.map((c) => (c.pacedP99.median === null ? `| ${c.label} | not run | | |` : `| ${c.label} | ${range(c.pacedRequestsPerSec, 0)} | ${range(c.pacedP50, 3)} | ${range(c.pacedP99, 3)} |`)),
      '',
    );
  }
  lines.push(
    '## Goals',
    '',
    '| goal | target | measured | met |',
    '|---|---|---|---|',
    ...summary.goals.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${g.met === null ? 'not run' : g.met ? 'yes' : '**no**'} |`),
    '',
  );
  const notes = runNotes(results, summary);
  if (notes.length > 0) lines.push('## What the runs reported', '', ...notes.map((n) => `- ${n}`), '');
  lines.push(
    '## Configurations',
    '',
    'The peers are configured as documented, with batching comparable to prodlog\'s (a batch at most about a second late) and, where a peer caps its in-memory buffer by a record count that this rate would overflow, the cap raised to about three seconds of records, so that with the receiver up nothing is dropped by configuration.',
    '',
    '| configuration | options | with records it cannot send, and at close (from its source) |',
    '|---|---|---|',
    ...results.configs.map((c) => `| ${c.label} | \`${c.options.replace(/\|/g, '\\|')}\` | ${c.behaviour ?? ''} |`),
    '',
  );
  return `${lines.join('\n')}\n`;
}

/** Close outcomes, logger errors and stderr, failures: what each configuration reported, once per distinct text. */
function runNotes(results, summary) {
  const notes = [];
  for (const c of summary.load) {
    for (const phase of ['up', 'down']) {
      const p = c[phase];
      const said = new Map();
      const add = (text) => said.set(text, (said.get(text) ?? 0) + 1);
      for (const r of p.ok) {
        if (r.close !== 'ok') add(`close ${r.close}`);
        for (const e of r.notes?.errors ?? []) add(`transport error "${e}"`);
        if (r.notes?.ready === false) add('worker not ready within 5 s of start');
        if (r.notes?.failedRequests) add(`${fmt(r.notes.failedRequests)} failed requests (winston 'warn' events)`);
        if (r.stderr) add(`stderr: "${r.stderr.slice(0, 200)}"`);
        for (const e of r.receiverNotes ?? []) add(`receiver: "${e}"`);
      }
      for (const f of p.failed) add(`FAILED ${f}`);
      for (const [text, n] of said) notes.push(`${c.label}, receiver ${phase}: ${text}${p.runs > 1 ? ` (${n} of ${p.runs} runs)` : ''}`);
    }
  }
  for (const c of summary.service) for (const f of c.failed) notes.push(`service ${c.label}: FAILED ${f}`);
  return notes;
}

function receiverLabel(results, c) {
  if (!c.receiver) return '';
  const r = results.receivers[c.receiver];
  return r ? `${r.label} (${r.real ? 'real' : 'stand-in'})` : c.receiver;
}

function share(st, logged) {
  if (st.median === null) return '';
  if (st.min === 1 && st.max === 1) return `100% of ${fmt(logged)}`;
  if (st.min === st.max) return pct(st.median);
  return `${pct(st.median)} (${pct(st.min)}–${pct(st.max)})`;
}

function range(st, digits) {
  if (st.median === null) return '';
  if (st.min === st.max) return fix(st.median, digits);
  return `${fix(st.median, digits)} (${fix(st.min, digits)}–${fix(st.max, digits)})`;
}

function pct(x) {
  return `${(100 * x).toFixed(x >= 0.9995 && x < 1 ? 2 : 1)}%`;
}

function fix(x, digits) {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function fmt(x) {
  return Math.round(x).toLocaleString('en-US');
}

// ---- chart.svg ----

const WIDTH = 1000;
const LABEL_W = 250;
const ROW_H = 18;
const BAR_H = 11;
const PANEL_GAP = 22;
const FONT = 'font-family="-apple-system, BlinkMacSystemFont, Segoe UI, Helvetica, Arial, sans-serif"';

/**
 * Three panels side by side for the receiver-up runs (ELU, p99 event-loop
 * delay, CPU per record; bars are medians, whiskers the range over rounds,
 * dashed lines the goals against prodlog's file alone), then the service
 * level (requests/s and p99 latency).
 */
function chartSvg(results, summary) {
  const out = [];
  let y = 0;
  out.push(text(16, 26, 'What a service feels when it ships logs: prodlog and the peer shippers', { size: 16, weight: 'bold' }));
  const m = results.machine;
  out.push(text(16, 46, `${results.startedAt.slice(0, 10)} · ${m.cpu} · Node ${m.node} · ${fmt(results.settings.rate)} records/s for ${results.settings.seconds} s · median of ${results.settings.rounds} round${results.settings.rounds === 1 ? '' : 's'}, whiskers min–max`, { fill: '#57606a' }));
  y = 62;
  const rows = summary.load.filter((c) => c.up.ok.length > 0);
  const base = summary.load.find((c) => c.id === FILE_BASELINE)?.up;
  const panels = [
    { title: 'main-thread ELU (lower is better)', get: (c) => c.up.elu, digits: 3, goal: base?.elu.median ? { at: base.elu.median * GOALS.elu, label: `${GOALS.elu}x file` } : null },
    { title: 'p99 event-loop delay, ms', get: (c) => c.up.delayP99Ms, digits: 1, goal: base?.delayP99Ms.median ? { at: base.delayP99Ms.median * GOALS.delay, label: `${GOALS.delay}x file` } : null },
    { title: 'CPU µs per record, whole process', get: (c) => c.up.cpuUsPerRecord, digits: 1, goal: null },
  ];
  y = barPanels(out, y, rows, panels, (c) => c.label);
  if (summary.service.some((c) => c.requestsPerSec.median !== null)) {
    out.push(text(16, y + 18, `Service level: HTTP server logging 2 records per request, autocannon ${results.settings.connections} connections for ${results.settings.serviceSeconds} s`, { weight: 'bold' }));
    y += 24;
    const sRows = summary.service.filter((c) => c.requestsPerSec.median !== null);
    const sBase = summary.service.find((c) => c.id === SERVICE_BASELINE);
    y = barPanels(out, y, sRows, [
      { title: 'requests/s (higher is better)', get: (c) => c.requestsPerSec, digits: 0, goal: null },
      { title: 'p99 latency, ms, saturated', get: (c) => c.p99, digits: 3, goal: sBase?.p99.median ? { at: sBase.p99.median * GOALS.serviceP99, label: `${GOALS.serviceP99}x prodlog file` } : null },
      { title: `p99 latency, ms, at ${results.settings.serviceRate ?? '?'} requests/s`, get: (c) => c.pacedP99, digits: 3, goal: sBase?.pacedP99.median ? { at: sBase.pacedP99.median * GOALS.serviceP99, label: `${GOALS.serviceP99}x prodlog file` } : null },
    ], (c) => c.label);
  }
  y = legend(out, y + 4);
  const height = y + 12;
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT} font-size="12">`, `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`, ...out, '</svg>', ''].join('\n');
}

function barPanels(out, y, rows, panels, labelOf) {
  const panelW = (WIDTH - LABEL_W - 16 - PANEL_GAP * (panels.length - 1)) / panels.length;
  const top = y + 22;
  panels.forEach((p, i) => {
    const x0 = LABEL_W + i * (panelW + PANEL_GAP);
    out.push(text(x0, y + 14, p.title, { weight: 'bold', size: 11.5 }));
    const hi = niceMax(Math.max(...rows.map((c) => p.get(c).max ?? 0), p.goal?.at ?? 0));
    const barW = panelW - 44;
    const scale = (v) => x0 + (v / hi) * barW;
    const bottom = top + rows.length * ROW_H;
    if (p.goal) {
      // Under the bars and their labels.
      const gx = scale(p.goal.at);
      out.push(`<line x1="${f(gx)}" y1="${top - 3}" x2="${f(gx)}" y2="${bottom}" stroke="#cf222e" stroke-dasharray="4 3" stroke-width="1.3"/>`);
      out.push(text(gx, bottom + 25, `goal ${p.goal.label}`, { anchor: 'middle', size: 10, fill: '#cf222e' }));
    }
    rows.forEach((c, k) => {
      const st = p.get(c);
      const ry = top + k * ROW_H;
      if (st.median === null) return;
      out.push(`<rect x="${x0}" y="${ry}" width="${f(Math.max(1, scale(st.median) - x0))}" height="${BAR_H}" fill="${FAMILY_COLORS[c.family] ?? '#afb8c1'}"/>`);
      if (st.max > st.min) out.push(`<line x1="${f(scale(st.min))}" y1="${ry + BAR_H / 2}" x2="${f(scale(st.max))}" y2="${ry + BAR_H / 2}" stroke="#24292f" stroke-width="1"/>`);
      out.push(text(Math.max(scale(st.median), scale(st.max)) + 4, ry + BAR_H - 1, fix(st.median, p.digits), { size: 10 }));
    });
    out.push(`<line x1="${x0}" y1="${top - 3}" x2="${x0}" y2="${bottom}" stroke="#8c959f"/>`);
    out.push(text(x0 + barW, bottom + 12, fix(hi, hi < 10 ? (hi < 1 ? 2 : 1) : 0), { anchor: 'end', size: 10, fill: '#57606a' }));
  });
  rows.forEach((c, k) => out.push(text(LABEL_W - 10, top + k * ROW_H + BAR_H - 1, labelOf(c), { anchor: 'end', weight: c.family === 'prodlog' ? 'bold' : 'normal' })));
  return top + rows.length * ROW_H + 34;
}

function legend(out, y) {
  let x = 16;
  for (const [label, color] of [['prodlog', FAMILY_COLORS.prodlog], ['pino', FAMILY_COLORS.pino], ['winston', FAMILY_COLORS.winston], ['no logging', FAMILY_COLORS.none]]) {
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${color}"/>`);
    out.push(text(x + 17, y + 10, label, {}));
    x += 40 + label.length * 6.5;
  }
  out.push(text(x + 10, y + 10, 'dashed red: goal', { fill: '#cf222e' }));
  return y + 16;
}

/** 1, 2 or 5 times a power of ten, at or above v. */
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((k) => k * p).find((n) => n >= v);
}

module.exports = { writeLoadReport, summarise };
