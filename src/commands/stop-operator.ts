// `stop-operator`: the step before cleanup, done safely: every old operator Deployment scaled to 0 (replicas recorded
// for --restore), then a wait until none of its pods can act. Never deletes a CRD, a namespace or anything else.

import { setTimeout as sleep } from 'node:timers/promises';
import { TimeoutError } from '../errors.ts';
import { findOperatorDeployments, livePodsOf, restoreReplicas, scaleToZero, type OperatorDeployment } from '../core/cleanup/stop-operator.ts';
import type { KubeClient } from '../kube/client.ts';
import { isConflict } from '../kube/errors.ts';
import { machineOutput } from '../ui/output.ts';
import { confirmOrRefuse } from '../ui/prompt.ts';
import { formatTable } from '../ui/table.ts';
import type { Terminal } from '../ui/terminal.ts';
import { parseDuration, type CommonArgs } from './flags.ts';
import { prepare } from './prepare.ts';
import { withSession } from './session.ts';

export interface StopOperatorArgs extends CommonArgs {
  yes: boolean;
  dryRun: boolean;
  restore: boolean;
  timeout: string;
}

function scope(operator: OperatorDeployment): string {
  return operator.watchedNamespace ? `namespace ${operator.watchedNamespace}` : 'all namespaces';
}

function table(operators: OperatorDeployment[], action: (operator: OperatorDeployment) => string): string {
  return formatTable(['namespace', 'deployment', 'watches', 'replicas', 'action'], operators.map((operator) => [
    operator.namespace, operator.name, scope(operator), String(operator.replicas), action(operator),
  ])).trimEnd();
}

const MAX_CONFLICT_RETRIES = 5;

/** Applies `change` to one install, reading it again after a conflict (someone else changed the Deployment). */
async function withFreshRead<T>(client: KubeClient, operator: OperatorDeployment, change: (current: OperatorDeployment) => Promise<T>): Promise<T> {
  let current = operator;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await change(current);
    } catch (error) {
      if (!isConflict(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      const fresh = (await findOperatorDeployments(client)).find((candidate) => candidate.namespace === operator.namespace && candidate.name === operator.name);
      if (!fresh) throw error;
      current = fresh;
    }
  }
}

export async function runStopOperator(args: StopOperatorArgs): Promise<void> {
  const timeoutMs = parseDuration(args.timeout);
  const terminal = await prepare(args);
  await withSession(args, terminal, async (session) => {
    const operators = await findOperatorDeployments(session.client);
    if (operators.length === 0) {
      terminal.info('no old operator Deployment found in the cluster: nothing to do');
      await printMachine(args, []);
      return;
    }
    if (args.restore) {
      await restore(session.client, terminal, args, operators);
      return;
    }
    const toStop = operators.filter((operator) => operator.replicas > 0);
    terminal.info(table(operators, (operator) => (operator.replicas === 0 ? 'already at 0' : args.dryRun ? 'would scale to 0' : 'scale to 0')));
    for (const operator of operators) for (const reason of operator.scalesBack) terminal.warn(`${operator.namespace}/${operator.name}: ${reason}`);
    if (args.dryRun) {
      terminal.info(`dry run: ${toStop.length} Deployment(s) would be scaled to 0; nothing was changed`);
      await printMachine(args, operators);
      return;
    }
    if (toStop.length > 0) {
      await confirmOrRefuse(terminal, args.yes, 'scale the old operator to 0', `Scale ${toStop.length} old operator Deployment(s) to 0 in context ${session.config.contextName}? Its CRDs and objects are kept.`);
    }
    // Every install goes through scaleToZero: it records replicas once, and keeps the first record on a rerun.
    for (const operator of operators) await withFreshRead(session.client, operator, (current) => scaleToZero(session.client, current));
    const remaining = await waitForPods(session.client, terminal, operators, timeoutMs);
    await printMachine(args, await findOperatorDeployments(session.client));
    if (remaining.length > 0) {
      throw new TimeoutError(`the old operator still has ${remaining.length} pod(s) after ${args.timeout}: ${remaining.join(', ')}; look at them with kubectl describe pod, then run stop-operator again`);
    }
    terminal.info(`the old operator is stopped (${operators.length} Deployment(s) at 0, no pod left); its CRDs and objects are untouched. Next: cleanup`);
  });
}

async function waitForPods(client: KubeClient, terminal: Terminal, operators: OperatorDeployment[], timeoutMs: number): Promise<string[]> {
  const progress = terminal.spinner('waiting for the old operator\'s pods to end');
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const live = (await Promise.all(operators.map((operator) => livePodsOf(client, operator)))).flat();
      if (live.length === 0 || Date.now() >= deadline) return live;
      progress.update(`waiting for ${live.length} pod(s) of the old operator to end: ${live.join(', ')}`);
      await sleep(1000);
    }
  } finally {
    progress.stop();
  }
}

async function restore(client: KubeClient, terminal: Terminal, args: StopOperatorArgs, operators: OperatorDeployment[]): Promise<void> {
  const recorded = operators.filter((operator) => operator.previousReplicas !== undefined);
  terminal.info(table(operators, (operator) => (operator.previousReplicas === undefined ? 'not stopped by this tool: left alone' : `${args.dryRun ? 'would restore' : 'restore'} ${operator.previousReplicas} replica(s)`)));
  if (args.dryRun || recorded.length === 0) {
    terminal.info(args.dryRun ? `dry run: ${recorded.length} Deployment(s) would be restored; nothing was changed` : 'no Deployment was stopped by stop-operator: nothing to restore');
    await printMachine(args, operators);
    return;
  }
  await confirmOrRefuse(terminal, args.yes, 'restore the old operator', `Restore ${recorded.length} old operator Deployment(s)? It will act on its objects again: never while cleanup runs.`);
  for (const operator of recorded) await withFreshRead(client, operator, (current) => restoreReplicas(client, current));
  terminal.info(`restored ${recorded.length} Deployment(s)`);
  await printMachine(args, await findOperatorDeployments(client));
}

async function printMachine(args: StopOperatorArgs, operators: OperatorDeployment[]): Promise<void> {
  const machine = await machineOutput({
    operators: operators.map((operator) => ({
      namespace: operator.namespace,
      name: operator.name,
      watches: operator.watchedNamespace ?? null,
      replicas: operator.replicas,
      previousReplicas: operator.previousReplicas ?? null,
      scalesBack: operator.scalesBack,
    })),
  }, args.output, args.jq);
  if (machine) process.stdout.write(machine);
}
