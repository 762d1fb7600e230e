import { BodyBuilder } from '../../../../transports/http/formats/BodyBuilder';

describe('request body builder', () => {
  it('encodes appended strings as UTF-8, growing past its initial size', () => {
    const parts = ['{"msg":"Zürich 東京 🚀"}\n', 'x'.repeat(5_000), '\u2028', 'ascii'];
    const body = new BodyBuilder(16);
    for (let i = 0; i < 50; i++) for (const p of parts) body.append(p);
    const expected = Buffer.from(parts.join('').repeat(50), 'utf8');
    expect(body.toBuffer().equals(expected)).toBe(true);
  });

  it('gives an empty buffer when nothing was appended', () => {
    expect(new BodyBuilder().toBuffer()).toHaveLength(0);
  });
});
