// The test runner's own pure pieces: which phases run and what each waits for, its progress lines and its closing
// account of where the time went.

import test from 'ava';
import { lineBuffered } from '../../scripts/test-console.ts';
import { planPhases } from '../../scripts/test-phases.ts';
import { endLine, formatDuration, progressLine, startLine, timeSummary } from '../../scripts/test-progress.ts';

const TREE: Record<string, string[]> = {
  'test/unit': ['test/unit/a.test.ts'],
  'test/integration': ['test/integration/binary.test.ts', 'test/integration/release.test.ts'],
  'test/serial': ['test/serial/s.test.ts'],
  'test/adopted-resource-era': ['test/adopted-resource-era/e.test.ts'],
  'test/e2e': ['test/e2e/rehearsal.test.ts'],
};
const testFiles = (directory: string): string[] => TREE[directory] ?? [];

test('a full run has five phases: the release test and the AdoptedResource-era suite beside the others, the release test waiting for runtimes and quill', (t) => {
  const phases = planPhases([], testFiles);
  t.deepEqual(phases.map((phase) => [phase.label, phase.plane, phase.files, phase.beside]), [
    ['unit + integration', 'current', ['test/unit', 'test/integration/binary.test.ts'], false],
    ['release', 'current', ['test/integration/release.test.ts'], true],
    ['serial', 'current', ['test/serial'], false],
    ['adopted-resource era', 'adopted-resource', ['test/adopted-resource-era'], true],
    ['rehearsal', 'current', ['test/e2e'], false],
  ]);
  const needs = Object.fromEntries(phases.map((phase) => [phase.label, phase.needs]));
  t.deepEqual(needs['unit + integration'], ['control-plane-binaries', 'bundled-binary', 'moto']);
  t.deepEqual(needs['release'], ['control-plane-binaries', 'bundled-binary', 'release-runtimes', 'quill']);
  t.deepEqual(needs['rehearsal'], ['control-plane-binaries', 'bundled-binary', 'moto', 'old-operator']);
});

test('asking for a suite runs only its phase, and builds only what that phase needs', (t) => {
  t.deepEqual(planPhases(['test/unit'], testFiles).map((phase) => [phase.label, phase.files]), [['unit + integration', ['test/unit']]]);
  t.deepEqual(planPhases(['test/e2e'], testFiles).map((phase) => phase.label), ['rehearsal']);
  t.deepEqual(planPhases(['test/integration/release.test.ts:40'], testFiles).map((phase) => [phase.label, phase.files]), [['release', ['test/integration/release.test.ts:40']]]);
  t.deepEqual(planPhases(['test/integration'], testFiles).map((phase) => [phase.label, phase.files]), [
    ['unit + integration', ['test/integration/binary.test.ts']],
    ['release', ['test/integration/release.test.ts']],
  ]);
  t.deepEqual(planPhases(['test/nothing-here'], () => []).map((phase) => phase.label), ['unit + integration']);
});

test('durations read as seconds, then minutes and seconds', (t) => {
  t.is(formatDuration(400), '0s');
  t.is(formatDuration(59_400), '59s');
  t.is(formatDuration(59_600), '1m00s');
  t.is(formatDuration(252_000), '4m12s');
});

test('a live progress line says what builds, for how long, and its last word, cut to the terminal width', (t) => {
  const build = { label: 'kube-apiserver + etcd', startedAt: 0, note: 'building kube-apiserver v1.34.4' };
  t.is(progressLine(build, 133_000, 120), 'run-tests: kube-apiserver + etcd: 2m13s (building kube-apiserver v1.34.4)');
  const narrow = progressLine(build, 133_000, 40);
  t.is(narrow.length, 40);
  t.true(narrow.endsWith('…'));
  t.is(progressLine({ label: 'moto', startedAt: 0 }, 2000, 120), 'run-tests: moto: 2s');
});

test('on a pipe a build gets a line when it starts and one when it ends', (t) => {
  t.is(startLine('quill', 0), 'run-tests: quill: started');
  t.is(startLine('old operator', 95_000), 'run-tests: old operator: started after 1m35s waiting for the Go build before it');
  t.is(endLine('quill', 23_000, false), 'run-tests: quill: ready in 23s');
  t.is(endLine('moto', 4000, true), 'run-tests: moto: failed after 4s');
});

test('the summary lists each asset build and each phase with its time, waits and failures, then the total', (t) => {
  const lines = timeSummary(
    [
      { label: 'kube-apiserver + etcd', durationMs: 252_000, waitedMs: 0 },
      { label: 'old operator', durationMs: 75_000, waitedMs: 280_000, waitedFor: 'the Go build before it' },
    ],
    [{ label: 'rehearsal', durationMs: 25_000, waitedMs: 30_000, waitedFor: 'assets and control plane', failed: true }],
    600_000,
  );
  t.deepEqual(lines, [
    'where the time went:',
    '  asset builds (in parallel with each other and with the phases; Go builds one at a time):',
    '    kube-apiserver + etcd   4m12s',
    '    old operator            1m15s, after waiting 4m40s for the Go build before it',
    '  phases:',
    '    rehearsal                 25s  FAILED, after waiting 30s for assets and control plane',
    '  total                    10m00s',
  ]);
});

test('output is passed on in whole lines, the last one completed at the end', (t) => {
  const written: string[] = [];
  const lines = lineBuffered((text) => void written.push(text));
  lines.push('  ✔ one\n  ✔ tw');
  lines.push('o\n  ✔ thr');
  lines.end();
  t.deepEqual(written, ['  ✔ one\n', '  ✔ two\n', '  ✔ thr\n']);
});
