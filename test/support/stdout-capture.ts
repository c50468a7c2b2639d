/**
 * Lines a library writes to this process's stdout while a suite runs, to
 * check that nothing but the test reporter prints there. The writes still
 * go through.
 */
export interface StdoutCapture {
  /** the lines written since the capture began that match `pattern` */
  matching(pattern: RegExp): string[];
  stop(): void;
}

export function captureStdout(): StdoutCapture {
  const original = process.stdout.write.bind(process.stdout);
  const lines: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(...(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).split('\n'));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return {
    matching: (pattern) => lines.filter((l) => pattern.test(l)),
    stop: () => {
      process.stdout.write = original;
    },
  };
}
