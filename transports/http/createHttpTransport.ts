import type { Sink, SinkRecipe } from '../shipping/Sink';
import { ShippingTransport, type ShippingSettings } from '../shipping/ShippingTransport';
import { DeadLetterFile } from './DeadLetterFile';
import { writeStderr } from '../shared/writeStderr';

export interface HttpTransportSettings {
  readonly shipping: Omit<ShippingSettings, 'sink' | 'recipe' | 'onDeadLetter' | 'onUnidentifiedRejects'>;
  readonly deadLetter: { readonly path: string; readonly maxBytes: number };
  readonly sink: Sink;
  readonly recipe: SinkRecipe;
}

/**
 * The shipping core with an HTTP sink, plus what HTTP adds: refused records
 * go to a dead-letter file (announced once on stderr), and a note of records
 * an OTLP receiver refused without saying which goes there too.
 */
export function createHttpTransport(settings: HttpTransportSettings): ShippingTransport {
  const name = settings.shipping.name;
  const report = (text: string): void => writeStderr(`prodlog: ${name}: warn: ${text}\n`);
  const deadLetters = new DeadLetterFile(settings.deadLetter.path, settings.deadLetter.maxBytes, report);
  let announced = false;
  return new ShippingTransport({
    ...settings.shipping,
    sink: settings.sink,
    recipe: settings.recipe,
    onDeadLetter: (records, reason) => {
      deadLetters.write(records, reason);
      if (!announced) {
        announced = true;
        report(`records refused by the receiver are written to ${deadLetters.path} (${reason})`);
      }
    },
    onUnidentifiedRejects: (count, reason) => deadLetters.note(count, reason),
  });
}
