import { formatPath } from '../core/config/describeIssues';

/** Environment variables: process.env, or what a test or a command passes. */
export type Environment = Readonly<Record<string, string | undefined>>;

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in the string values of a parsed
 * config file, so one file serves every environment and secrets (tokens in
 * headers, passwords in URLs) stay out of it. `$${` writes a literal `${`.
 * A variable that is unset (or empty) and has no default is a problem named
 * with its key path, collected in `problems`.
 */
export function interpolateEnv(value: unknown, env: Environment, problems: string[], path: readonly PropertyKey[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, problems, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, problems, [...path, i]));
  if (typeof value !== 'object' || value === null) return value;
  // fromEntries defines own properties: a key "__proto__" (JSON.parse makes it an own key) stays a key,
  // which the strict schemas refuse as unknown; assigned with `out[key] =` it would set the prototype
  // and lend its values to the options, where no schema sees them.
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, interpolateEnv(v, env, problems, [...path, key])]));
}

function interpolateString(s: string, env: Environment, problems: string[], path: readonly PropertyKey[]): string {
  if (!s.includes('${')) return s;
  const parts = s.split('$${');
  const replaced = parts.map((part) =>
    part.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      problems.push(`${formatPath(path)}: ${JSON.stringify(s)} needs the environment variable ${name}, which is not set (or write \${${name}:-default})`);
      return '';
    }),
  );
  return replaced.join('${');
}
