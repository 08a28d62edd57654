// Reads the closing summary of ava's default reporter into counts, so the test runner can refuse a run in which a
// test did not run: a skipped or todo test proves nothing, and counts as failed.

export interface AvaSummary {
  passed: number;
  /** Failed tests and hooks, known failures, uncaught errors, tests left pending, and a crash with no summary. */
  failed: number;
  /** Skipped and todo tests. */
  notRun: number;
}

export function summarizeAvaOutput(output: string, exitCode: number): AvaSummary {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (pattern: RegExp): number => Number(pattern.exec(plain)?.[1] ?? 0);
  const failed =
    count(/(\d+) tests? failed/) + count(/(\d+) hooks? failed/) + count(/(\d+) known failures?/) +
    count(/(\d+) uncaught exceptions?/) + count(/(\d+) unhandled rejections?/) + count(/(\d+) tests? remained pending after a timeout/) +
    (exitCode !== 0 && !/tests? failed|hooks? failed|remained pending/.test(plain) ? 1 : 0);
  // ava prints "N tests passed" when all pass, otherwise "N tests failed" plus a passed count per line.
  const passed = count(/(\d+) tests? passed/) || (failed === 0 ? 0 : plain.split('\n').filter((line) => /^\s*✔/.test(line)).length);
  const notRun = count(/(\d+) tests? skipped/) + count(/(\d+) tests? todo/);
  return { passed, failed, notRun };
}
