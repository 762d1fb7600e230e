'use strict';
const { readFileSync } = require('node:fs');
const { cpus } = require('node:os');

/** Linux reports CPU time in USER_HZ ticks, 100 per second on every mainstream build. */
const TICK_US = 10_000;

/**
 * Busy CPU time of the whole machine so far, in microseconds, from
 * /proc/stat; null where there is no /proc (not Linux).
 */
function machineBusyUs() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + steal) * TICK_US;
  } catch {
    return null;
  }
}

/**
 * The share of the machine's CPUs that other processes used while a child
 * ran: machine busy time minus the child's own CPU time, over wall time
 * times CPU count. It says how much the measurement competed with.
 */
function otherLoad(busyBeforeUs, busyAfterUs, childCpuUs, wallUs) {
  if (busyBeforeUs === null || busyAfterUs === null || childCpuUs === undefined || wallUs <= 0) return null;
  const other = busyAfterUs - busyBeforeUs - childCpuUs;
  return Math.min(1, Math.max(0, other / (wallUs * cpus().length)));
}

module.exports = { machineBusyUs, otherLoad };
