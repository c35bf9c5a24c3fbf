import { ConfigError } from '../errors.js';

export const PIPELINE_STEPS = ['extract', 'build', 'export', 'publish'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** `--steps extract,build` → the steps in pipeline order; unknown names are a usage error. */
export function parseSteps(text: string | undefined): PipelineStep[] {
  if (!text) return [...PIPELINE_STEPS];
  const asked = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((s) => !(PIPELINE_STEPS as readonly string[]).includes(s));
  if (unknown.length) throw new ConfigError(`unknown pipeline step(s): ${unknown.join(', ')}`, { hint: `steps are ${PIPELINE_STEPS.join(', ')}` });
  return PIPELINE_STEPS.filter((s) => asked.includes(s));
}
