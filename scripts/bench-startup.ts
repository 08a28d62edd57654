// The start-up measure of `npm run bench` (also alone: `npm run bench -- --startup`): `--help` and `version --client`
// of the bundled binary against `kubectl version --client`, run in turn round after round so that the machine's load
// moves all three alike; wall-clock medians, and the mean CPU time of each where Linux reports children's CPU time.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { median } from './bench-seed.ts';

export interface StartupFigures {
  rounds: number;
  helpMs: number;
  versionMs: number;
  kubectlMs: number;
  /** Mean user + system CPU time per run, when known. */
  cpuMs?: { help: number; version: number; kubectl: number };
}

/** CPU time (user + system) of this process's waited-for children so far, in ms; Linux only, 10 ms ticks. */
function childrenCpuMs(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  // Fields after the command name, which is in parentheses and may hold spaces: cutime and cstime are the 14th and
  // 15th of them (fields 16 and 17 of proc(5)), in clock ticks of 1/100 s on Linux.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; cpuMs: number | undefined } {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  const cpuAfter = childrenCpuMs();
  return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

export function measureStartup(binary: string, env: NodeJS.ProcessEnv, rounds: number): StartupFigures {
  const commands = {
    help: [binary, ['--help']],
    version: [binary, ['version', '--client']],
    kubectl: ['kubectl', ['version', '--client']],
  } as const;
  const wall = { help: [] as number[], version: [] as number[], kubectl: [] as number[] };
  const cpu = { help: 0, version: 0, kubectl: 0 };
  let cpuKnown = true;
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, [command, args]] of Object.entries(commands) as Array<[keyof typeof commands, (typeof commands)[keyof typeof commands]]>) {
      const figure = run(command, [...args], env);
      wall[name].push(figure.ms);
      if (figure.cpuMs === undefined) cpuKnown = false;
      else cpu[name] += figure.cpuMs;
    }
  }
  return {
    rounds,
    helpMs: median(wall.help),
    versionMs: median(wall.version),
    kubectlMs: median(wall.kubectl),
    ...(cpuKnown ? { cpuMs: { help: cpu.help / rounds, version: cpu.version / rounds, kubectl: cpu.kubectl / rounds } } : {}),
  };
}

/** The figures' row of docs/benchmarks.md, and the two ratio lines the run ends with. */
export function describeStartup(figures: StartupFigures): { row: string; ratios: string[] } {
  const ms = (value: number): string => `${value.toFixed(0)}ms`;
  const cpu = figures.cpuMs ? `; mean CPU ${ms(figures.cpuMs.help)}, ${ms(figures.cpuMs.version)} and ${ms(figures.cpuMs.kubectl)}` : '';
  const helpRatio = (figures.helpMs / figures.kubectlMs).toFixed(2);
  const versionRatio = (figures.versionMs / figures.kubectlMs).toFixed(2);
  return {
    row: `medians of ${figures.rounds} alternating rounds: --help ${ms(figures.helpMs)} (${helpRatio}x), version --client ${ms(figures.versionMs)} (${versionRatio}x), kubectl version --client ${ms(figures.kubectlMs)}${cpu}`,
    ratios: [`--help vs kubectl version --client: ${helpRatio}`, `version --client vs kubectl version --client: ${versionRatio}`],
  };
}
