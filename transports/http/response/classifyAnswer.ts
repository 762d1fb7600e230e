import type { WireFormat } from '../formats/WireFormat';
import type { HttpAnswer } from '../HttpPoster';
import type { Delivery } from './Delivery';
import { retryAfterMs } from './retryAfter';
import { isClickHouseDataError } from './clickHouseDataError';
import { isServerFailure, statusAction } from './statusAction';

/**
 * Refused credentials: usually a token being rotated, which passes in
 * minutes; dead-lettering at the first 401 would empty the spool into the
 * dead-letter file meanwhile. Retried for retry.authErrorMs instead.
 */
const AUTH_STATUSES: ReadonlySet<number> = new Set([401, 403, 407]);

/** How much of an error body is quoted in health and the dead-letter file. */
const MAX_REASON_CHARS = 300;

/**
 * Turns a receiver's answer to one batch into what to do with its records:
 * 2xx delivered (or partly, as the format reads the body); 408, 429, 502,
 * 503, 504 retried; 413 too large (the sink splits the batch); 500 and other
 * failing 5xx a server error (the sink retries it for a while), unless
 * ClickHouse says the rows are wrong; 401, 403 and 407 an auth error (retried
 * for a while too); anything else refused for good.
 */
export function classifyAnswer(answer: HttpAnswer, format: WireFormat, batchSize: number): Delivery {
  const action = statusAction(answer.status);
  if (action === 'delivered') {
    const result = format.readPartialResult?.(answer.body, batchSize);
    return result === undefined ? { kind: 'delivered' } : { kind: 'partial', result };
  }
  const reason = `HTTP ${answer.status}${describeBody(answer.body)}`;
  const code = `HTTP_${answer.status}`;
  if (action === 'retry') return { kind: 'retry', code, reason, retryAfterMs: retryAfterMs(answer.headers['retry-after']) };
  if (answer.status === 413) return { kind: 'tooLarge', code, reason };
  const retryAfter = retryAfterMs(answer.headers['retry-after']);
  if (isServerFailure(answer.status) && !isClickHouseDataError(answer.headers, answer.body)) return { kind: 'serverError', code, reason, retryAfterMs: retryAfter, window: 'server' };
  if (AUTH_STATUSES.has(answer.status)) return { kind: 'serverError', code, reason: `${reason} (${answer.status === 407 ? 'the proxy refused its credentials' : 'the credentials were refused'})`, retryAfterMs: retryAfter, window: 'auth' };
  return { kind: 'rejected', code, reason };
}

/**
 * No answer at all (refused, reset, timed out): always worth another try.
 * The reason is the error's message alone: health puts the code in front.
 */
export function classifyFailure(err: unknown): Delivery {
  const raw = (err as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : 'ENETWORK';
  const reason = err instanceof Error ? err.message : String(err);
  return { kind: 'retry', code, reason, retryAfterMs: undefined };
}

function describeBody(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  if (text === '') return '';
  return `: ${text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}...` : text}`;
}
