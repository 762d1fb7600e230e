/**
 * Encodes a chunk of lines as UTF-8 into one reused buffer, for a write that
 * happens before the next call.
 *
 * Why: a chunk is a rope of hundreds of strings, which `buf.write` into an
 * existing buffer encodes faster than `Buffer.from`, and without a new
 * buffer per chunk (docs/design.md, "Strings into bytes"). The returned view is only valid until the next call: callers write it
 * synchronously and keep no reference.
 */
let scratch = Buffer.allocUnsafeSlow(256 * 1024);

export function encodeUtf8Scratch(text: string): Buffer {
  // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
  if (text.length * 3 > scratch.length) scratch = Buffer.allocUnsafeSlow(text.length * 3);
  return scratch.subarray(0, scratch.write(text, 0, 'utf8'));
}
