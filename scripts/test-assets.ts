// The slow things `npm test` builds once and caches (each script finds its cache and returns at once afterwards),
// built as child processes that run at the same time, so that each test phase waits only for what it needs.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BINARY, ROOT } from '../test/support/environment.ts';
import { OLD_OPERATOR_MODULE } from '../test/support/crds.ts';
import type { TestConsole } from './test-console.ts';
import type { TimedStep } from './test-progress.ts';

export type AssetName = 'control-plane-binaries' | 'bundled-binary' | 'moto' | 'release-runtimes' | 'quill' | 'old-operator';

interface Recipe {
  label: string;
  command: string[];
  /**
   * One `go build` already keeps every core busy, and parallel ones compile the packages they share (the standard
   * library among them) each for itself: Go builds run one at a time, in the order of ASSETS (first needed first).
   */
  goBuild: boolean;
  /**
   * Built while the first tests run, below their priority, so that it takes only the cores they leave idle: in the
   * one cold run measured (load up to 34), two timing-sensitive tests failed while quill and the old operator
   * compiled at the tests' priority (both pass warm). The others are awaited by every phase, so nothing of the run
   * competes with them, and a lower priority would only yield to other work on a shared machine.
   */
  besideTests: boolean;
  /** What the phases are given, read from what the build printed on stdout. */
  result(stdout: string): string;
  /** A value given by the environment instead of a build. */
  given?(): string | undefined;
}

const node = (script: string, ...args: string[]): string[] => [process.execPath, '--import', 'tsx', path.join(ROOT, 'scripts', script), ...args];
const bash = (script: string, ...args: string[]): string[] => ['bash', path.join(ROOT, 'scripts', script), ...args];

function printed(key: string): (stdout: string) => string {
  return (stdout) => {
    const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${key}=`));
    if (!line) throw new Error(`printed no ${key}`);
    return line.slice(key.length + 1);
  };
}

export const ASSETS: Record<AssetName, Recipe> = {
  'control-plane-binaries': { label: 'kube-apiserver + etcd', command: bash('envtest-assets.sh'), goBuild: true, besideTests: false, result: (stdout) => stdout.trim() },
  'bundled-binary': { label: 'bundled binary', command: node('build.ts'), goBuild: false, besideTests: false, result: () => BINARY },
  moto: {
    label: 'moto',
    command: bash('rehearsal-assets.sh', '--moto-only'),
    goBuild: false,
    besideTests: false,
    result: printed('MOTO_SERVER'),
    given: () => process.env['SMM_TEST_MOTO_SERVER'] || undefined,
  },
  'release-runtimes': { label: 'release Node runtimes (5)', command: node('release.ts', '--prepare', 'runtimes'), goBuild: false, besideTests: true, result: () => '' },
  quill: { label: 'quill', command: node('release.ts', '--prepare', 'quill'), goBuild: true, besideTests: true, result: () => '' },
  'old-operator': { label: 'old operator', command: bash('rehearsal-assets.sh', '--old-operator-only', OLD_OPERATOR_MODULE), goBuild: true, besideTests: true, result: printed('OLD_OPERATOR') },
};

interface Build {
  name: AssetName;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  failed?: boolean;
  child?: ChildProcess;
  value: Promise<string>;
}

export class AssetBuilds {
  private readonly builds = new Map<AssetName, Build>();

  constructor(private readonly output: TestConsole) {}

  /** Starts the wanted builds at once, Go builds one after another. */
  start(wanted: Iterable<AssetName>): void {
    const wantedNames = new Set(wanted);
    const names = (Object.keys(ASSETS) as AssetName[]).filter((name) => wantedNames.has(name));
    let goLane: Promise<unknown> = Promise.resolve();
    for (const name of names) {
      const recipe = ASSETS[name];
      const build: Build = { name, queuedAt: Date.now(), value: Promise.resolve('') };
      const given = recipe.given?.();
      if (given !== undefined) {
        this.output.writeError(`run-tests: ${recipe.label}: ${given} (given)\n`);
        build.value = Promise.resolve(given);
      } else if (recipe.goBuild) {
        build.value = goLane.then(() => this.run(build, recipe));
        goLane = build.value.catch(() => undefined);
      } else {
        build.value = this.run(build, recipe);
      }
      // A failure is reported to the phases that await it; nobody else must see it as unhandled.
      build.value.catch(() => undefined);
      this.builds.set(name, build);
    }
  }

  async get(name: AssetName): Promise<string> {
    const build = this.builds.get(name);
    if (!build) throw new Error(`${ASSETS[name].label} was not started`);
    return build.value;
  }

  /** Ends the builds still running, with the processes they started (go, pip): an interrupted run leaves nothing behind. */
  stop(): void {
    for (const build of this.builds.values()) {
      if (build.child?.pid && build.endedAt === undefined) {
        try {
          process.kill(-build.child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
  }

  timings(now = Date.now()): TimedStep[] {
    return [...this.builds.values()]
      .filter((build) => build.startedAt !== undefined)
      .map((build) => ({
        label: ASSETS[build.name].label,
        durationMs: (build.endedAt ?? now) - build.startedAt!,
        waitedMs: build.startedAt! - build.queuedAt,
        waitedFor: 'the Go build before it',
        failed: build.failed,
      }));
  }

  private run(build: Build, recipe: Recipe): Promise<string> {
    build.startedAt = Date.now();
    this.output.buildStarted(build.name, recipe.label, build.startedAt - build.queuedAt);
    const [command, ...args] = recipe.besideTests ? ['nice', '-n', '10', ...recipe.command] : recipe.command;
    // A process group of its own, so that stop() reaches go and pip under the script; the runner's signal handler
    // stands in for the terminal's Ctrl-C, which no longer reaches them.
    const child = spawn(command!, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    build.child = child;
    let stdout = '';
    const chatter: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().split('\n').filter((line) => line.trim() !== '');
      chatter.push(...lines);
      const last = lines.at(-1);
      if (last) this.output.buildNote(build.name, last.replace(/^[\w-]+: /, ''));
    });
    return new Promise((resolve, reject) => {
      const finish = (error: Error | undefined, value = ''): void => {
        if (build.endedAt !== undefined) return;
        build.endedAt = Date.now();
        build.failed = error !== undefined;
        this.output.buildEnded(build.name, build.failed);
        if (error) {
          this.output.writeError(chatter.slice(-20).map((line) => `  ${line}\n`).join(''));
          reject(new Error(`${recipe.label}: ${error.message}`));
        } else resolve(value);
      };
      child.on('error', (error) => finish(error));
      child.on('close', (code, signal) => {
        if (code !== 0) return finish(new Error(`${recipe.command.map((part) => path.basename(part)).find((part) => /\.(sh|ts)$/.test(part))} exited with ${signal ?? code}`));
        try {
          finish(undefined, recipe.result(stdout));
        } catch (error) {
          finish(error as Error);
        }
      });
    });
  }
}
