'use strict';

/**
 * chart.svg, generated from the run's summary. Hand-written rather than
 * drawn with a charting library: the chart is a few dozen rectangles and
 * labels, and the libraries that render SVG outside a browser (vega, d3 with
 * jsdom) would add tens of megabytes of dependencies for that.
 *
 * Top: one group per case, time per record relative to the fastest pino
 * configuration (log scale, bars grow from 1x: left is faster, right slower),
 * to a file and to /dev/null side by side. Bottom: peak RSS of the memory
 * case against the 200 MB goal. Light background and plain fonts so it reads
 * on GitHub in either theme.
 */
const WIDTH = 1000;
const LABEL_W = 200;
const COL_GAP = 24;
const ROW_H = 17;
const BAR_H = 12;
const GROUP_HEAD = 26;
const TEXT_ROOM = 124; // room right of the longest bar for its label
/** Bars beyond this ratio are cut at the axis end (their label keeps the value), so one outlier does not squash the rest. */
const MAX_RATIO = 64;
const FONT = 'font-family="-apple-system, BlinkMacSystemFont, Segoe UI, Helvetica, Arial, sans-serif"';
const COLORS = Object.freeze({ prodlog: '#0969da', pino: '#1a7f37', limit: '#57606a', other: '#afb8c1' });
const { MEMORY_LIMIT_MB: MEMORY_GOAL_MB } = require('./goals');

function chartSvg({ summary, machine, startedAt }) {
  const out = [];
  let y = 0;
  y = title(out, y, machine, startedAt);
  const perRecord = summary.filter((c) => c.id !== 'memory' && c.id !== 'fatal');
  if (perRecord.length > 0) y = ratioPanel(out, y, perRecord);
  const memory = summary.find((c) => c.id === 'memory');
  if (memory) y = memoryPanel(out, y + 10, memory);
  y = legend(out, y + 8);
  const height = y + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT} font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

function title(out, y, machine, startedAt) {
  out.push(text(16, y + 24, 'prodlog vs pino and peers: time per record until every byte is written', { size: 16, weight: 'bold' }));
  const when = startedAt.toISOString().slice(0, 10);
  out.push(text(16, y + 44, `${when} · ${machine.cpu} · ${machine.memoryGiB} GiB · Node ${machine.node} · medians over rounds, lower is better`, { fill: '#57606a' }));
  return y + 56;
}

function ratioPanel(out, y, cases) {
  const ratios = cases.flatMap((c) => c.dests.flatMap((d) => d.rows.map((r) => r.ratioToPino))).filter((r) => r !== null && r > 0);
  const lo = 2 ** Math.floor(Math.log2(Math.min(0.5, ...ratios)));
  const hi = Math.min(MAX_RATIO, 2 ** Math.ceil(Math.log2(Math.max(2, ...ratios))));
  const colW = (WIDTH - LABEL_W - 24 - COL_GAP) / 2;
  const columns = ['file', 'devnull'].map((dest, i) => ({ dest, x0: LABEL_W + i * (colW + COL_GAP) }));
  const scale = (x0, ratio) => x0 + ((Math.log2(ratio) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * (colW - TEXT_ROOM);
  for (const col of columns) out.push(text(col.x0 + (colW - TEXT_ROOM) / 2, y + 18, col.dest === 'file' ? 'to a file' : 'to /dev/null', { anchor: 'middle', weight: 'bold' }));
  y += 26;
  const top = y;
  for (const c of cases) {
    out.push(text(16, y + 18, c.title, { weight: 'bold' }));
    y += GROUP_HEAD;
    for (const row of c.dests[0].rows) {
      out.push(text(LABEL_W - 8, y + BAR_H - 2, row.label, { anchor: 'end', weight: row.logger === 'prodlog' ? 'bold' : 'normal' }));
      for (const col of columns) {
        const r = c.dests.find((d) => d.dest === col.dest)?.rows.find((x) => x.logger === row.logger);
        if (!r || r.ratioToPino === null) continue;
        const one = scale(col.x0, 1);
        const end = scale(col.x0, Math.min(hi, r.ratioToPino));
        out.push(`<rect x="${f(Math.min(one, end))}" y="${y}" width="${f(Math.max(1, Math.abs(end - one)))}" height="${BAR_H}" fill="${colorOf(r)}"/>`);
        const cut = r.ratioToPino > hi ? '> ' : '';
        out.push(text(Math.max(one, end) + 4, y + BAR_H - 2, `${cut}${r.ratioToPino.toFixed(2)}x · ${nsLabel(r.median)}`, { size: 10.5, fill: '#24292f' }));
      }
      y += ROW_H;
    }
  }
  for (const col of columns) axis(out, col.x0, top, y, lo, hi, scale);
  return y + 34;
}

/** Power-of-two gridlines with labels below, and a stronger line at 1x (the fastest pino). */
function axis(out, x0, top, bottom, lo, hi, scale) {
  // Labels need about 36 px; when ticks are closer, only every other power of two (1x, 4x, 1/4x ...) is labelled.
  const crowded = scale(x0, 2) - scale(x0, 1) < 36;
  for (let t = lo; t <= hi; t *= 2) {
    const x = scale(x0, t);
    out.push(`<line x1="${f(x)}" y1="${top}" x2="${f(x)}" y2="${bottom}" stroke="${t === 1 ? '#24292f' : '#d0d7de'}" stroke-width="${t === 1 ? 1.2 : 1}"/>`);
    if (crowded && Math.log2(t) % 2 !== 0) continue;
    out.push(text(x, bottom + 14, `${t >= 1 ? t : `1/${1 / t}`}x`, { anchor: 'middle', size: 10.5, fill: '#57606a' }));
  }
  out.push(text(scale(x0, Math.sqrt(lo * hi)), bottom + 28, 'time per record / fastest pino (log scale)', { anchor: 'middle', size: 10.5, fill: '#57606a' }));
}

function memoryPanel(out, y, c) {
  const rows = c.dests[0].rows.filter((r) => r.maxRssKb !== null);
  out.push(text(16, y + 18, `Peak RSS, ${c.title} to a file (goal for prodlog: under ${MEMORY_GOAL_MB} MB)`, { weight: 'bold' }));
  y += GROUP_HEAD + 14; // room above the bars for the goal line's label
  const maxMb = Math.max(MEMORY_GOAL_MB, ...rows.map((r) => r.maxRssKb / 1024));
  const step = maxMb > 1500 ? 500 : maxMb > 600 ? 200 : 100;
  const hi = Math.ceil(maxMb / step) * step;
  const x0 = LABEL_W;
  const width = WIDTH - LABEL_W - 16 - TEXT_ROOM;
  const scale = (mb) => x0 + (mb / hi) * width;
  const top = y;
  for (const r of rows) {
    const mb = r.maxRssKb / 1024;
    out.push(text(LABEL_W - 8, y + BAR_H - 2, r.label, { anchor: 'end', weight: r.logger === 'prodlog' ? 'bold' : 'normal' }));
    out.push(`<rect x="${x0}" y="${y}" width="${f(Math.max(1, scale(mb) - x0))}" height="${BAR_H}" fill="${colorOf(r)}"/>`);
    out.push(text(scale(mb) + 4, y + BAR_H - 2, `${mb.toFixed(0)} MB`, { size: 10.5 }));
    y += ROW_H;
  }
  for (let t = 0; t <= hi; t += step) {
    out.push(`<line x1="${f(scale(t))}" y1="${top}" x2="${f(scale(t))}" y2="${y}" stroke="#d0d7de"/>`);
    out.push(text(scale(t), y + 14, String(t), { anchor: 'middle', size: 10.5, fill: '#57606a' }));
  }
  const goalX = scale(MEMORY_GOAL_MB);
  out.push(`<line x1="${f(goalX)}" y1="${top - 2}" x2="${f(goalX)}" y2="${y}" stroke="#cf222e" stroke-dasharray="4 3" stroke-width="1.5"/>`);
  out.push(text(goalX, top - 6, `goal ${MEMORY_GOAL_MB} MB`, { anchor: 'middle', size: 10.5, fill: '#cf222e' }));
  out.push(text(x0 + width / 2, y + 28, 'peak RSS, MB', { anchor: 'middle', size: 10.5, fill: '#57606a' }));
  return y + 34;
}

function legend(out, y) {
  const items = [
    ['prodlog', COLORS.prodlog],
    ['pino configurations', COLORS.pino],
    ['other loggers', COLORS.other],
    ['physical-limit proxy: JSON.stringify + 64 KB fs.writeSync, no logger', COLORS.limit],
  ];
  let x = 16;
  for (const [label, color] of items) {
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${color}"/>`);
    out.push(text(x + 17, y + 10, label, {}));
    x += 30 + label.length * 6.4;
  }
  return y + 16;
}

function colorOf(row) {
  if (row.family === 'prodlog') return COLORS.prodlog;
  if (row.family === 'pino') return COLORS.pino;
  if (row.family === 'limit') return COLORS.limit;
  return COLORS.other;
}

function nsLabel(ns) {
  if (ns < 1000) return `${ns < 10 ? ns.toFixed(1) : Math.round(ns)} ns`;
  return `${(ns / 1000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
}

function text(x, y, content, { anchor = 'start', size, weight, fill } = {}) {
  const attrs = [`x="${f(x)}"`, `y="${f(y)}"`];
  if (anchor !== 'start') attrs.push(`text-anchor="${anchor}"`);
  if (size) attrs.push(`font-size="${size}"`);
  if (weight && weight !== 'normal') attrs.push(`font-weight="${weight}"`);
  if (fill) attrs.push(`fill="${fill}"`);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function escapeXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function f(n) {
  return Number(n.toFixed(1));
}

module.exports = { chartSvg, text, f };
