// The handler of tests/core/_fanout_worker.ts, which tests/core/fanout_test.ts also runs in its
// own thread: reports half-way, then squares its input after a delay.
/** Square `x` after `ms` milliseconds, reporting 0.5 of the work first. */
export async function square(
  { x, ms }: { x: number; ms: number },
  emit: (fraction: number) => void,
): Promise<number> {
  emit(0.5);
  await new Promise((r) => setTimeout(r, ms));
  return x * x;
}
