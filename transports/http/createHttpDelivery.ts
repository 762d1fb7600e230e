import type { DeliveryKit } from '../shipping/DeliveryService';
import { createSink, type HttpSinkOptions } from './createSink';
import { DeadLetterFile } from './DeadLetterFile';

/** Everything the delivery worker needs for an http transport, plain data. */
export interface HttpDeliveryOptions {
  readonly name: string;
  readonly sink: HttpSinkOptions;
  readonly deadLetter: { readonly path: string; readonly maxBytes: number };
}

/**
 * The HTTP sink plus what HTTP adds on the delivery side: refused records go
 * to a dead-letter file (announced once on stderr), and a note of records an
 * OTLP receiver refused without saying which goes there too.
 */
export function createHttpDelivery(options: HttpDeliveryOptions, report: (text: string) => void): DeliveryKit {
  const warn = (text: string): void => report(`prodlog: ${options.name}: warn: ${text}\n`);
  const deadLetters = new DeadLetterFile(options.deadLetter.path, options.deadLetter.maxBytes, warn);
  let announced = false;
  return {
    sink: createSink(options.sink),
    onDeadLetter: (records, reason) => {
      deadLetters.write(records, reason);
      if (!announced) {
        announced = true;
        warn(`records refused by the receiver are written to ${deadLetters.path} (${reason})`);
      }
    },
    onUnidentifiedRejects: (count, reason) => deadLetters.note(count, reason),
  };
}
