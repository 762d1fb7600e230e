import { createIsoTime } from '../../src/core/isoTime';

describe('the time fragment', () => {
  it('equals Date#toISOString for every millisecond it is asked about, in any order', () => {
    let clock = 0;
    const isoTime = createIsoTime(() => clock);
    const samples = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, Date.UTC(2026, 10, 26, 23, 59, 59, 999), Date.UTC(2026, 10, 27), 1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124, 1_699_999_999_999];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4_000_000_000_000));
    for (const ms of samples) {
      clock = ms;
      expect(isoTime()).toBe(`,"time":"${new Date(ms).toISOString()}"`);
    }
  });
});
