import { parseDuration } from '../../../src/core/config/parseDuration';
import { parseSize } from '../../../src/core/config/parseSize';

describe('parseSize', () => {
  it.each<[string, number]>([
    ['500K', 500 * 1024],
    ['10M', 10 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['2T', 2 * 1024 ** 4],
    ['100B', 100],
    ['10MB', 10 * 1024 ** 2],
    ['10MiB', 10 * 1024 ** 2],
    ['10m', 10 * 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    [' 10 M ', 10 * 1024 ** 2],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['ten', '10', '', 'M', '-1M', '0M', '10X', '10 MBs', '1e3K'])('refuses %j', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['1M', '1H', 'daily', '1', '1.5h', '0d', '-1d', 'h'])('refuses %j (units are lower case, numbers whole)', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
