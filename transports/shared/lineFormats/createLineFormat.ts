import { createEcsLine } from './ecsLine';
import { createGcpLine } from './gcpLine';
import type { LineFormat, LineFormatName, LineFormatSettings } from './LineFormat';
import { createPinoLine } from './pinoLine';

/**
 * The conversion a console or file transport applies to each line, or
 * undefined for `prodlog`: the line is then written as the logger made it,
 * and the default costs nothing. A conversion that throws (it should not)
 * leaves the line as it was: a transport's write never throws, and the
 * record is not lost for its shape.
 */
export function createLineFormat(name: LineFormatName, settings: LineFormatSettings = {}): LineFormat | undefined {
  const format = formatOf(name, settings);
  if (format === undefined) return undefined;
  return (line) => {
    try {
      return format(line);
    } catch {
      return line;
    }
  };
}

function formatOf(name: LineFormatName, settings: LineFormatSettings): LineFormat | undefined {
  switch (name) {
    case 'prodlog':
      return undefined;
    case 'pino':
      return createPinoLine();
    case 'ecs':
      return createEcsLine();
    case 'gcp':
      return createGcpLine(settings);
  }
}
