import { spawn } from 'node:child_process';
import { createLogger, ConfigError, resolveConfig } from '../../src';
import { MemoryTransport } from '../../src/testing';
import { fixturePath } from '../support/paths';
import { parseLines } from '../support/run-fixture';
import { until } from '../support/until';

describe('levelSignal', () => {
  it('the signal turns debug on for the whole service, the next one restores the level before it, each change logged', async () => {
    const child = spawn(process.execPath, [fixturePath('level-signal.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const records = (): Record<string, unknown>[] => parseLines(out.slice(0, out.lastIndexOf('\n') + 1));
    try {
      await until(() => records().some((r) => r['msg'] === 'ready'), 'the service is ready');
      child.kill('SIGUSR2');
      await until(() => records().filter((r) => r['msg'] === 'tick').length >= 2, 'debug ticks are written');
      child.kill('SIGUSR2');
      await until(() => records().some((r) => r['msg'] === 'level restored'), 'the level is restored');
      const msgs = records().map((r) => r['msg']);
      const on = msgs.indexOf('level changed');
      const off = msgs.indexOf('level restored');
      expect(records()[on]).toMatchObject({ level: 'info', from: 'info', to: 'debug', source: 'signal', ttl: '1h' });
      expect(records()[off]).toMatchObject({ level: 'info', from: 'debug', to: 'info' });
      expect(msgs.slice(0, on)).not.toContain('tick');
      expect(msgs.slice(on + 1, off).every((m) => m === 'tick')).toBe(true);
      expect(child.exitCode).toBeNull(); // the signal did not end the service
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a signal that is also a shutdown signal fails at startup naming both keys', () => {
    const memory = new MemoryTransport();
    expect(() => createLogger({ levelSignal: 'SIGHUP', shutdown: { signals: ['SIGTERM', 'SIGHUP'] }, transports: [{ type: 'custom', transport: memory }] })).toThrow(ConfigError);
    expect(() => createLogger({ levelSignal: 'SIGHUP', shutdown: { signals: ['SIGTERM', 'SIGHUP'] }, transports: [{ type: 'custom', transport: memory }] })).toThrow(
      'levelSignal: "SIGHUP" is also one of shutdown.signals',
    );
  });

  it('the same conflict is a configuration error, so prodlog check reports it before any logger starts', () => {
    expect(() => resolveConfig({ levelSignal: 'SIGHUP', shutdown: { signals: ['SIGHUP'] } }, 'prodlog.config.json')).toThrow('levelSignal: "SIGHUP" is also one of shutdown.signals');
  });

  it('a signal that cannot toggle levels fails at startup naming the allowed ones', () => {
    expect(() => createLogger({ levelSignal: 'SIGUSR1' as 'SIGUSR2' })).toThrow('levelSignal: "SIGUSR1" is not one of SIGUSR2, SIGHUP, SIGWINCH (or true, false, or { signal, ttl })');
  });
});
