// The test runner counts ava's summary: a run with a skipped or todo test must not pass.
// Catches a runner that counts only passed and failed tests (as before): seen failing with notRun left at 0.

import test from 'ava';
import { summarizeAvaOutput } from '../../scripts/ava-summary.ts';

test('skipped and todo tests are counted as not run, beside the passed ones', (t) => {
  const output = '  ✔ one\n  - [skip] two\n  - [todo] three\n  - [todo] four\n  ─\n\n  1 test passed\n  1 test skipped\n  2 tests todo\n';
  t.deepEqual(summarizeAvaOutput(output, 0), { passed: 1, failed: 0, notRun: 3 });
});

test('a clean run has nothing failed and nothing left out', (t) => {
  t.deepEqual(summarizeAvaOutput('  ✔ one\n  ✔ two\n  ─\n\n  2 tests passed\n', 0), { passed: 2, failed: 0, notRun: 0 });
});

test('colours are ignored, and passed tests are counted line by line when some failed', (t) => {
  const output = '  \x1b[32m✔\x1b[39m one\n  \x1b[31m✘\x1b[39m [fail]: two\n  ─\n\n  \x1b[31m1 test failed\x1b[39m\n  \x1b[33m1 test skipped\x1b[39m\n';
  t.deepEqual(summarizeAvaOutput(output, 1), { passed: 1, failed: 1, notRun: 1 });
});

test('failed hooks, known failures and a crash without a summary count as failed', (t) => {
  t.is(summarizeAvaOutput('  1 hook failed\n', 1).failed, 1);
  t.is(summarizeAvaOutput('  2 tests passed\n  1 known failure\n', 0).failed, 1);
  t.deepEqual(summarizeAvaOutput('Error: cannot find module\n', 1), { passed: 0, failed: 1, notRun: 0 });
});
