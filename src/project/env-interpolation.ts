import { ConfigError } from '../errors.js';

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${VAR}` and `${VAR:-default}` in a string, the way a shell does for these two forms, so cron and Airflow
 * configure runs through the environment. `$${` escapes a literal `${`. An unset variable without a default is an
 * error naming the variable and the file, not an empty string that fails somewhere later.
 */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv, file: string): string {
  const escaped = text.replaceAll('$${', '\u0000');
  const expanded = escaped.replace(PATTERN, (match, name: string, fallback: string | undefined, offset: number) => {
    const value = env[name];
    // Shell semantics: `:-` replaces an unset or empty variable; a plain `${VAR}` keeps a set-but-empty value.
    if (value !== undefined && (value !== '' || fallback === undefined)) return value;
    if (fallback !== undefined) return fallback;
    const line = escaped.slice(0, offset).split('\n').length;
    throw new ConfigError(`environment variable ${name} is not set (used as ${match})`, {
      location: { file, line },
      hint: `export ${name}=… or write \${${name}:-default}`,
    });
  });
  return expanded.replaceAll('\u0000', '${');
}

/** Applies {@link interpolateEnv} to every string inside a parsed YAML value. */
export function interpolateDeep<T>(value: T, env: NodeJS.ProcessEnv, file: string): T {
  if (typeof value === 'string') return interpolateEnv(value, env, file) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, env, file)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateDeep(item, env, file);
    return out as T;
  }
  return value;
}
