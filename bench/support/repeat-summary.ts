import { median, ratio, round2 } from './bench-timing.js';

/**
 * Several runs of a benchmark at one size, summed up per step. On a shared 2-core VM one step's time moves ±15 % from
 * run to run, and the bare SQL's as much as the engine's, so a single run's ratio can land on either side of a target
 * it meets in most runs. Each run's ratio is paired (the engine and the bare SQL ran in the same process, minutes
 * apart, in the same phase of the machine); the summary is the median of those ratios, with the median times beside
 * them and how many runs met the target.
 */

/** One step of one run: the engine's time and the bare SQL's, in ms. */
export interface StepTimes {
  readonly ms: number;
  readonly bare_ms: number;
}

export interface StepSummary {
  readonly median_ms: number;
  readonly median_bare_ms: number;
  /** The median of the runs' own ratios (engine / bare of the same run). */
  readonly median_ratio: number;
  readonly ratios: readonly number[];
  /** Runs whose ratio was at most the target. */
  readonly runs_within: number;
}

/** Per step, over the runs (each a map of step → times): medians, the runs' ratios and how many met `target`. */
export function summarizeRuns<Step extends string>(
  steps: readonly Step[],
  runs: readonly Readonly<Record<Step, StepTimes>>[],
  target: number,
): Record<Step, StepSummary> {
  if (runs.length === 0) throw new Error('no runs to summarize');
  const summary = {} as Record<Step, StepSummary>;
  for (const step of steps) {
    const times = runs.map((run) => {
      const t = run[step];
      if (!t) throw new Error(`a run has no figures for the step ${step}`);
      return t;
    });
    const ratios = times.map((t) => ratio(t.ms, t.bare_ms));
    summary[step] = {
      median_ms: Math.round(median(times.map((t) => t.ms))),
      median_bare_ms: Math.round(median(times.map((t) => t.bare_ms))),
      median_ratio: round2(median(ratios)),
      ratios,
      runs_within: ratios.filter((r) => r <= target).length,
    };
  }
  return summary;
}
