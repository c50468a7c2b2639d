/** Small statistics for the benchmark: percentiles of latencies, rates. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) {
    return Number.NaN;
  }
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `fn` repeatedly for about `ms` milliseconds (at least `min` times) and returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 400, min = 20): number {
  for (let i = 0; i < Math.min(min, 50); i++) {
    fn();
  }
  let n = 0;
  const start = nowMs();
  while (nowMs() - start < ms || n < min) {
    fn();
    n++;
  }
  return (n * 1000) / (nowMs() - start);
}
