import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Compressor } from '../../../transports/file/Compressor';
import { fileTestDir, readLog } from '../../support/file-logs';

describe('Compressor', () => {
  it('compresses a file once however often it is asked, and replaces it with its .gz', async () => {
    const dir = fileTestDir('compressor');
    const source = join(dir, 'app.2026-11-26T05-00-00.1.log');
    writeFileSync(source, '{"i":1}\n{"i":2}\n');
    const errors: unknown[] = [];
    const compressor = new Compressor((err) => errors.push(err));
    const first = compressor.compress(source);
    const again = compressor.compress(source);
    expect(again).toBe(first);
    expect(compressor.busyWith(source)).toBe(true);
    await first;
    await compressor.close();
    expect(errors).toEqual([]);
    expect(existsSync(source)).toBe(false);
    expect(readLog(`${source}.gz`)).toBe('{"i":1}\n{"i":2}\n');
  });

  it('reports a file it cannot compress, leaves no temporary file, and goes on with the next', async () => {
    const dir = fileTestDir('compressor-missing');
    const missing = join(dir, 'app.2026-11-26T05-00-00.1.log');
    const present = join(dir, 'app.2026-11-26T05-00-00.2.log');
    writeFileSync(present, '{"i":3}\n');
    const errors: { code?: string }[] = [];
    const compressor = new Compressor((err) => errors.push(err as { code?: string }));
    await Promise.all([compressor.compress(missing), compressor.compress(present)]);
    await compressor.close();
    expect(errors.map((e) => e.code)).toEqual(['ENOENT']);
    expect(existsSync(`${missing}.gz.tmp`)).toBe(false);
    expect(readLog(`${present}.gz`)).toBe('{"i":3}\n');
  });
});
