/** Logstash-style: `%{service}` and a UTC date `%{+yyyy.MM.dd}` (yyyy, MM, dd, HH inside the braces). */
export const DEFAULT_INDEX_PATTERN = 'prodlog-%{service}-%{+yyyy.MM.dd}';

const TOKEN = /%\{(service|\+[^}]*)\}/g;
/** What Elasticsearch allows in an index name (lower case; none of \ / * ? " < > | space , #). */
const INDEX_CHARS = /^[a-z0-9._+-]*$/;

/** Why a pattern cannot yield valid index names, or undefined when it can. */
export function checkIndexPattern(pattern: string): string | undefined {
  const literal = pattern.replace(TOKEN, '');
  if (literal.includes('%{')) return 'only %{service} and %{+date} tokens are allowed';
  if (!INDEX_CHARS.test(literal)) return 'index names are lower case without \\ / * ? " < > | space , #';
  if (/^[-_+]/.test(pattern)) return 'index names cannot start with -, _ or +';
  return undefined;
}

/**
 * Turns a pattern into a function from (service, time) to an index name.
 * A name changes only with the service or the UTC hour (the smallest date
 * unit a pattern has), so finished names are cached per service for the
 * current hour: records of one batch build their name once per service.
 */
export function compileIndexPattern(pattern: string): (service: string, timeMs: number) => string {
  let cachedHour = Number.NaN;
  const names = new Map<string, string>();
  return (service, timeMs) => {
    const hour = Math.floor(timeMs / 3_600_000);
    // Services are record names, so their number is not bounded: past MAX_CACHED_NAMES the cache starts again.
    if (hour !== cachedHour || names.size >= MAX_CACHED_NAMES) {
      cachedHour = hour;
      names.clear();
    }
    let name = names.get(service);
    if (name === undefined) {
      const date = new Date(timeMs);
      name = pattern.replace(TOKEN, (_, token: string) => (token === 'service' ? indexSafe(service) : formatDate(token.slice(1), date)));
      names.set(service, name);
    }
    return name;
  };
}

const MAX_CACHED_NAMES = 1_000;

function formatDate(format: string, d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return format
    .replace('yyyy', String(d.getUTCFullYear()))
    .replace('MM', pad(d.getUTCMonth() + 1))
    .replace('dd', pad(d.getUTCDate()))
    .replace('HH', pad(d.getUTCHours()));
}

/** A service name as it may appear inside an index name. */
function indexSafe(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._+-]/g, '-');
}
