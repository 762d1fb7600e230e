export type Framing = 'octet-counting' | 'lf';

/**
 * Appends one message to a send buffer in the chosen framing (RFC 6587):
 * octet counting ("LEN SP MSG", the default: any byte may appear in MSG, and
 * strict receivers such as syslog-ng's syslog() source accept nothing else)
 * or a trailing LF (MSG must not contain one; a JSON record never does).
 */
export function frame(message: string, framing: Framing): string {
  return framing === 'lf' ? `${message}\n` : `${Buffer.byteLength(message)} ${message}`;
}
