import type { TransportHealth } from '../../src/transport';
import type { Sink, SinkRecipe } from '../shipping/Sink';
import { ShippingTransport, type ShippingSettings } from '../shipping/ShippingTransport';
import { DeadLetterFile } from './DeadLetterFile';
import type { SinkHooks } from './createSink';

export interface HttpTransportSettings {
  readonly shipping: Omit<ShippingSettings, 'sink' | 'recipe' | 'onDeadLetter'>;
  readonly deadLetter: { readonly path: string; readonly maxBytes: number };
  readonly createSink: (hooks: SinkHooks) => Sink;
  readonly recipe: SinkRecipe;
}

/**
 * The shipping core with an HTTP sink, plus what HTTP adds: refused records
 * go to a dead-letter file (announced once on stderr), and records an OTLP
 * receiver refused without saying which are counted as failed in health.
 */
export class HttpTransport extends ShippingTransport {
  private readonly deadLetters: DeadLetterFile;
  private unidentifiedRejects = 0;

  constructor(settings: HttpTransportSettings) {
    const name = settings.shipping.name;
    const report = (text: string): void => writeStderr(`prodlog: ${name}: warn: ${text}\n`);
    const deadLetters = new DeadLetterFile(settings.deadLetter.path, settings.deadLetter.maxBytes, report);
    let announced = false;
    const hooks: SinkHooks = {
      onUnidentifiedRejects: (count, reason) => {
        this.unidentifiedRejects += count;
        deadLetters.note(count, reason);
      },
    };
    super({
      ...settings.shipping,
      sink: settings.createSink(hooks),
      recipe: settings.recipe,
      onDeadLetter: (records, reason) => {
        deadLetters.write(records, reason);
        if (!announced) {
          announced = true;
          report(`records refused by the receiver are written to ${deadLetters.path} (${reason})`);
        }
      },
    });
    this.deadLetters = deadLetters;
  }

  override health(): TransportHealth {
    const base = super.health();
    if (this.unidentifiedRejects === 0) return base;
    return { ...base, failed: base.failed + this.unidentifiedRejects };
  }

  /** Where refused records are written. */
  get deadLetterPath(): string {
    return this.deadLetters.path;
  }
}

function writeStderr(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // nowhere left to report to
  }
}
