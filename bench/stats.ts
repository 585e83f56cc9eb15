/** Exact percentiles over recorded samples (ms), and the shapes passed between run.ts and the load worker. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  connections: number;
  warmup: number;
  duration: number;
}

export interface LoadResult extends LatencySummary {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/** Nearest-rank percentile on a sorted copy. */
export function summarize(samples: number[]): LatencySummary {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(samples).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  let sum = 0;
  for (const v of s) sum += v;
  return { p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1]!, mean: sum / s.length };
}
