import type { Project } from '../project/types.js';
import { redact, registerSecret } from '../reporter/redaction.js';

/** Setting keys whose values are credentials (extract sources, export destinations, anything a section adds). */
const SECRET_KEY = /secret|password|passwd|passphrase|token|private_key|credential|api_key/i;
/** Environment variables that hold credentials, by name (AWS_SECRET_ACCESS_KEY, SFTP_PASSWORD, GITHUB_TOKEN, …). */
const SECRET_ENV = /SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|PRIVATE_KEY|CREDENTIAL|API_KEY/i;
/** Shorter environment values are not redacted: a `1` or `true` would garble the page, and cannot be a real key. */
const MIN_ENV_SECRET = 8;

/**
 * Registers, for redaction, every credential the project can see: values under credential-like keys of the
 * settings sections (`extract:`, `exports:`, … after `${VAR}` interpolation) and credential-like environment
 * variables. The docs are built from an allow-list of fields and never include those sections; this is the second
 * line, for a secret that reached a description or compiled SQL (a `{{var}}` fed from the environment, say).
 */
export function registerProjectSecrets(project: Project, env: NodeJS.ProcessEnv): void {
  walk(project.settings.sections, false);
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_ENV_SECRET && SECRET_ENV.test(name)) registerSecret(value);
  }
}

/** The text with every registered secret replaced by `***`. */
export function scrubSecrets(text: string): string {
  return redact(text);
}

function walk(value: unknown, underSecretKey: boolean): void {
  if (typeof value === 'string') {
    if (underSecretKey) registerSecret(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, underSecretKey);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) walk(child, underSecretKey || SECRET_KEY.test(key));
  }
}
