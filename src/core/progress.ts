/**
 * Progress of a long run (a simulation or an integration), as reported to
 * an `onProgress` callback about every 0.2 s of work.
 * @module
 */

/** Progress of a run over seeds. */
export interface Progress {
  /** Index of the run (seed) in progress. */
  run: number;
  /** Number of runs (seeds). */
  runs: number;
  /** Current time t of that run. */
  t: number;
  /** Final time. */
  tMax: number;
  /** Fraction of all the work done, in [0, 1]. */
  fraction: number;
}
