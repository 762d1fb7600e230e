import type { SpoolRecord } from '../../shipping/Sink';

export const FORMAT_NAMES = ['ndjson', 'otlp', 'loki', 'elasticsearch'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/**
 * What a receiver said about individual records inside a 2xx answer. Indexes
 * refer to the batch as passed to `encode`.
 */
export interface PartialResult {
  /** Records the receiver refused for a transient reason (e.g. a bulk item 429): send again. */
  readonly retry: readonly number[];
  /** Records refused for good (e.g. a mapping error): dead-letter. */
  readonly rejected: readonly number[];
  /** Records refused without saying which (OTLP `rejectedLogRecords` is only a count). */
  readonly rejectedUnidentified: number;
  /** The receiver's own words, for health and the dead-letter file. */
  readonly reason: string;
}

/** One way of putting a batch of records on the wire, for one kind of store. */
export interface WireFormat {
  readonly name: FormatName;
  readonly contentType: string;
  /** The request body for these records, in order, as bytes. Never throws. */
  encode(records: readonly SpoolRecord[]): Buffer;
  /**
   * Reads a 2xx response body for records refused inside an accepted request.
   * Undefined when everything was taken; formats whose receivers accept or
   * refuse a request as a whole leave this out.
   */
  readPartialResult?(body: string, batchSize: number): PartialResult | undefined;
  /** Query parameters the format needs on the URL (e.g. a bulk response filter), added when the user has not set them. */
  readonly queryDefaults?: Readonly<Record<string, string>>;
}
