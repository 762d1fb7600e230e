/**
 * Control characters, format characters (zero-width, bidi overrides, the
 * byte order mark), lone surrogates, private-use characters, line and
 * paragraph separators, and spaces other than U+0020: what a terminal shows
 * as nothing, or as something else.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu;

/** `text` with every invisible character written as \uXXXX (\u{XXXXX} above U+FFFF), so a message shows what is really there. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
