import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';

interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly temp: number;
  /** Process CPU time so far (every thread: Node's and DuckDB's), µs. */
  readonly cpu: number;
  /** The part of it spent in the kernel (page faults, I/O, memory returned to the system), µs. */
  readonly sys: number;
}

type CpuReading = Pick<Sample, 't' | 'cpu' | 'sys'>;

const MiB = 1024 ** 2;

/**
 * Samples this process's resident set size (Node and DuckDB alike), its CPU time and the bytes in DuckDB's
 * `temp_directory` every `intervalMs`, so a benchmark can report the peak memory and CPU time of each step (CPU time
 * is less sensitive than wall time to other jobs on a shared machine) and show when DuckDB spilled to disk.
 * DuckDB runs queries off the main thread, so the timer keeps firing while a statement runs.
 */
export class ResourceSampler {
  readonly #samples: Sample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #temp = 0;
  /** Exact readings at known moments (`reading`), beside the samples. */
  readonly #readings: CpuReading[] = [];
  /** V8's garbage-collection pauses of this process ([start, end) on the performance.now() clock). */
  readonly #gcs: [number, number][] = [];
  #gcObserver: PerformanceObserver | undefined;

  constructor(
    private readonly tempDir: string | undefined,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.#timer = setInterval(() => this.#sample(), this.intervalMs);
    this.#timer.unref();
    this.#gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#gcs.push([entry.startTime, entry.startTime + entry.duration]);
    });
    this.#gcObserver.observe({ entryTypes: ['gc'] });
    return this;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#gcObserver?.disconnect();
  }

  /** Milliseconds of garbage-collection pauses inside [from, to) (the main thread's; V8's helper threads not). */
  gcMsBetween(from: number, to: number): number {
    const inside = this.#gcs.map(([start, end]) => Math.max(0, Math.min(end, to) - Math.max(start, from)));
    return Math.round(inside.reduce((sum, ms) => sum + ms, 0));
  }

  /** Peak RSS and peak temp-directory size (MiB) among the samples taken in [from, to). */
  peakBetween(from: number, to: number): { rssMb: number; tempMb: number } {
    let inside = this.#samples.filter((s) => s.t >= from && s.t < to);
    // A window shorter than the interval may hold no sample: it then gets the one taken just before it.
    if (inside.length === 0) inside = this.#samples.filter((s) => s.t < from).slice(-1);
    const rss = Math.max(0, ...inside.map((s) => s.rss));
    const temp = Math.max(0, ...inside.map((s) => s.temp));
    return { rssMb: Math.round((rss / MiB) * 10) / 10, tempMb: Math.round((temp / MiB) * 10) / 10 };
  }

  /**
   * Adds `process.cpuUsage()` as read at `t` (a phase boundary, such as a statement's start), so a window that
   * begins or ends there is measured exactly rather than from the sample taken up to one interval before.
   */
  reading(t: number, usage: NodeJS.CpuUsage): void {
    this.#readings.push({ t, cpu: usage.user + usage.system, sys: usage.system });
  }

  /**
   * Process CPU time (ms) between `from` and `to`: the latest sample or reading at or before each (resolution: the
   * interval, unless a reading was added at that moment). `sys`: the kernel's part only.
   */
  cpuMsBetween(from: number, to: number, part: 'all' | 'sys' = 'all'): number {
    const at = (t: number) => {
      let latest: CpuReading | undefined;
      for (const r of [...this.#samples, ...this.#readings]) if (r.t <= t && (!latest || r.t > latest.t)) latest = r;
      const reading = latest ?? this.#samples[0];
      return (part === 'sys' ? reading?.sys : reading?.cpu) ?? 0;
    };
    return Math.round((at(to) - at(from)) / 1000);
  }

  #sample(): void {
    const cpu = process.cpuUsage();
    this.#samples.push({ t: performance.now(), rss: process.memoryUsage.rss(), temp: this.#temp, cpu: cpu.user + cpu.system, sys: cpu.system });
    if (!this.tempDir || this.#polling) return;
    this.#polling = true;
    void folderBytes(this.tempDir)
      .then((bytes) => (this.#temp = bytes))
      .finally(() => (this.#polling = false));
  }
}

/** Bytes of the files directly in `dir` (DuckDB's temp files), 0 when it does not exist; files vanish while we look. */
async function folderBytes(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const sizes = await Promise.all(names.map((n) => stat(join(dir, n)).then((s) => (s.isFile() ? s.size : 0), () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}
