// Which ava runs `npm test` makes, on which control plane, and what each waits for: a phase starts as soon as its
// own assets are built, not when every asset is.

import type { AssetName } from './test-assets.ts';

export type Plane = 'current' | 'adopted-resource';

export interface Phase {
  label: string;
  plane: Plane;
  files: string[];
  flags: string[];
  needs: AssetName[];
  /** Runs beside the other phases instead of between them; its report is printed when it ends. */
  beside: boolean;
}

const SERIAL_SUITE = 'test/serial';
const ERA_SUITE = 'test/adopted-resource-era';
const REHEARSAL_SUITE = 'test/e2e';
// It touches no cluster-wide state (it only runs `version`), but it alone needs the release platforms' runtimes and
// quill: in a phase of its own it starts when they are there, without holding up the other tests until then.
const RELEASE_TEST = 'test/integration/release.test.ts';

// Every phase starts moto (test/support/aws-emulator.ts) and runs the bundled binary. The release test bundles into
// the same dist/bundle as the bundled binary's build, so it starts after that build too.
const BASE: AssetName[] = ['control-plane-binaries', 'bundled-binary', 'moto'];

/**
 * The phases for the files and directories asked for on the command line (none: every suite), given what each
 * test directory holds. Suites that change cluster-wide state (controller Deployments) run alone, after the parallel
 * ones; the AdoptedResource-era suite runs on the control plane that has that era's CRDs and controllers, beside the
 * others; the rehearsal against the real old operator and moto runs last.
 */
export function planPhases(requested: string[], testFiles: (directory: string) => string[]): Phase[] {
  const inSuite = (suite: string) => (entry: string): boolean => entry === suite || entry.startsWith(`${suite}/`);
  const isRelease = (entry: string): boolean => entry === RELEASE_TEST || entry.startsWith(`${RELEASE_TEST}:`);
  const pick = (belongs: (entry: string) => boolean, all: string[]): string[] =>
    requested.length > 0 ? requested.filter(belongs) : all.filter((directory) => testFiles(directory).length > 0);
  // A directory holding the release test stands for its other files here.
  const withoutRelease = (entries: string[]): string[] =>
    entries.flatMap((entry) => (!isRelease(entry) && testFiles(entry).includes(RELEASE_TEST) ? testFiles(entry).filter((file) => file !== RELEASE_TEST) : [entry])).filter((entry) => !isRelease(entry));
  const releaseAsked = requested.length === 0 ? testFiles('test/integration').includes(RELEASE_TEST) : requested.some((entry) => isRelease(entry) || testFiles(entry).includes(RELEASE_TEST));
  const elsewhere = (entry: string): boolean => ![SERIAL_SUITE, ERA_SUITE, REHEARSAL_SUITE].some((suite) => inSuite(suite)(entry));
  const phases: Phase[] = [
    { label: 'unit + integration', plane: 'current', files: withoutRelease(pick(elsewhere, ['test/unit', 'test/integration'])), flags: [], needs: BASE, beside: false },
    {
      label: 'release',
      plane: 'current',
      files: releaseAsked ? [requested.find(isRelease) ?? RELEASE_TEST] : [],
      flags: [],
      needs: ['control-plane-binaries', 'bundled-binary', 'release-runtimes', 'quill'],
      beside: true,
    },
    { label: 'serial', plane: 'current', files: pick(inSuite(SERIAL_SUITE), [SERIAL_SUITE]), flags: ['--serial', '--concurrency=1'], needs: BASE, beside: false },
    // On its own control plane, so it shares no cluster state with the others: it runs beside them.
    { label: 'adopted-resource era', plane: 'adopted-resource', files: pick(inSuite(ERA_SUITE), [ERA_SUITE]), flags: [], needs: BASE, beside: true },
    { label: 'rehearsal', plane: 'current', files: pick(inSuite(REHEARSAL_SUITE), [REHEARSAL_SUITE]), flags: ['--serial', '--concurrency=1'], needs: [...BASE, 'old-operator'], beside: false },
  ];
  return phases.filter((phase) => phase.files.length > 0);
}
