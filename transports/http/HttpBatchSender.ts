import type { SpoolRecord } from '../shipping/Sink';
import type { WireFormat } from './formats/WireFormat';
import type { HttpPoster } from './HttpPoster';
import { classifyAnswer, classifyFailure } from './response/classifyAnswer';
import type { Delivery } from './response/Delivery';

export type SendResult = Delivery & { readonly sentBytes: number };

/** Encodes a batch, posts it and says what became of it. Never rejects: every failure is a Delivery. */
export class HttpBatchSender {
  constructor(
    readonly format: WireFormat,
    private readonly poster: HttpPoster,
  ) {}

  async send(records: readonly SpoolRecord[]): Promise<SendResult> {
    try {
      const answer = await this.poster.post(this.format.encode(records), this.format.contentType);
      return { ...classifyAnswer(answer, this.format, records.length), sentBytes: answer.sentBytes };
    } catch (err) {
      return { ...classifyFailure(err), sentBytes: 0 };
    }
  }

  close(): void {
    this.poster.close();
  }
}

/** The URL with the format's query defaults added where the user has not set them. */
export function withQueryDefaults(url: string, defaults: Readonly<Record<string, string>> | undefined): URL {
  const out = new URL(url);
  for (const [key, value] of Object.entries(defaults ?? {})) {
    if (!out.searchParams.has(key)) out.searchParams.set(key, value);
  }
  return out;
}
