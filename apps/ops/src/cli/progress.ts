import type { OnboardingProgress, TierMoveProgress } from '@tenantkit/lifecycle';

/** One line per onboarding step as it starts: `[2/5] identity`. */
export function onboardingPrinter(out: (line: string) => void) {
  let last = '';
  return (p: unknown) => {
    const progress = p as OnboardingProgress;
    if (!progress?.step || progress.step === last) return;
    last = progress.step;
    out(
      `  [${Math.min(progress.done.length + 1, progress.total)}/${progress.total}] ${progress.step}`,
    );
  };
}

/** A line per phase, and during the copy at most one every second with the rows so far. */
export function tierMovePrinter(out: (line: string) => void) {
  let phase = '';
  let lastAt = 0;
  return (p: unknown) => {
    const progress = p as TierMoveProgress;
    if (!progress?.phase) return;
    const now = Date.now();
    if (progress.phase !== phase || now - lastAt > 1_000) {
      phase = progress.phase;
      lastAt = now;
      const table = progress.table ? ` ${progress.table}` : '';
      out(`  ${progress.phase}${table}: ${progress.copied} rows copied`);
    }
  };
}
