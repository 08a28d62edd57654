// `adopt`: creates the ACK objects that adopt each AWS resource; --dry-run prints or validates them, --wait watches.

import { adopt, refuseBlockedAdoption, type AdoptOutcome } from '../core/adoption/adopt.ts';
import { PartialFailure, TimeoutError, UsageError } from '../errors.ts';
import { manifestsToCreate } from '../core/plan/manifests.ts';
import { buildPlan, type MigrationPlan } from '../core/plan/plan.ts';
import type { AckControllerInstall } from '../core/discovery/controllers.ts';
import { waitForAdoption } from '../core/adoption/wait.ts';
import { diagnoseWait } from '../core/adoption/wait-diagnosis.ts';
import { machineOutput, toYamlStream } from '../ui/output.ts';
import type { Terminal } from '../ui/terminal.ts';
import { renderOutcomes, stateColor } from '../ui/views.ts';
import type { KubeClient } from '../kube/client.ts';
import { parseDuration, planOptionsOf } from './flags.ts';
import type { PlanArgs } from './plan.ts';
import { prepare } from './prepare.ts';
import { inventoryFromCluster, inventoryFromFile, withSession } from './session.ts';

type DryRun = 'none' | 'client' | 'server';

export interface AdoptArgs extends PlanArgs {
  dryRun: DryRun;
  wait: boolean;
  timeout: string;
}

export async function runAdopt(args: AdoptArgs): Promise<void> {
  const timeoutMs = parseDuration(args.timeout);
  if (args.fromFile && args.dryRun !== 'client') throw new UsageError('--from-file works offline: use it with --dry-run=client');
  if (args.wait && args.dryRun !== 'none') throw new UsageError('--wait cannot be used with --dry-run');
  const terminal = await prepare(args);
  if (args.fromFile) {
    await printManifests(buildPlan(inventoryFromFile(args.fromFile, args), planOptionsOf(args)), args);
    return;
  }
  await withSession(args, terminal, async (session) => {
    const inventory = await inventoryFromCluster(session, args, { withSpecs: args.spec === 'translate', createRights: true });
    const plan = buildPlan(inventory, planOptionsOf(args));
    for (const warning of plan.warnings) terminal.warn(warning);
    if (args.dryRun === 'client') {
      refuseBlockedAdoption(plan);
      await printManifests(plan, args);
      return;
    }
    const progress = await terminal.spinner(args.dryRun === 'server' ? 'validating manifests with the API server' : 'creating ACK objects');
    let done = 0;
    const outcomes = await adopt(plan, session.client, {
      serverDryRun: args.dryRun === 'server',
      onOutcome: () => progress.update(`created ${(done += 1)} object(s)`),
    });
    progress.stop();
    const machine = await machineOutput({ outcomes: outcomes.map(summarizeOutcome) }, args.output, args.jq);
    process.stdout.write(machine ?? renderOutcomes(outcomes, terminal.color));
    const failed = outcomes.filter((outcome) => outcome.result === 'failed');
    if (failed.length > 0) throw new PartialFailure(`${failed.length} of ${outcomes.length} object(s) could not be created: ${failed.map((outcome) => outcome.message).join('; ')}`);
    if (args.wait) await waitAndReport(plan, session.client, terminal, timeoutMs, inventory.cluster?.ackControllers);
  });
}

/** GitOps output: a YAML stream by default, a JSON List with -o json (and --jq). */
async function printManifests(plan: MigrationPlan, args: AdoptArgs): Promise<void> {
  const manifests = manifestsToCreate(plan).map(({ manifest }) => manifest);
  const machine = args.output === 'json' || args.jq ? await machineOutput({ apiVersion: 'v1', kind: 'List', items: manifests }, 'json', args.jq) : undefined;
  process.stdout.write(machine ?? toYamlStream(manifests));
}

function summarizeOutcome(outcome: AdoptOutcome) {
  return {
    kind: outcome.manifest.kind,
    namespace: outcome.manifest.metadata.namespace,
    name: outcome.manifest.metadata.name,
    awsResource: outcome.target.awsName,
    result: outcome.result,
    ...(outcome.message ? { message: outcome.message } : {}),
  };
}

async function waitAndReport(plan: MigrationPlan, client: KubeClient, terminal: Terminal, timeoutMs: number, installs: AckControllerInstall[] | undefined): Promise<void> {
  const progress = await terminal.spinner(`waiting for ${plan.targets.length} AWS resource(s) to be adopted`);
  const adopted = new Set<string>();
  const result = await waitForAdoption(plan, client, {
    timeoutMs,
    onChange: (target, observation) => {
      if (observation.state === 'adopted') adopted.add(target.key);
      progress.update(`${adopted.size}/${plan.targets.length} adopted; ${target.ackKind}/${target.name}: ${observation.state}`);
    },
  });
  progress.stop();
  const failed: string[] = [];
  for (const target of plan.targets) {
    const observation = result.observations.get(target.key);
    const state = observation?.state ?? 'not-started';
    const detail = observation?.syncError ? `adopted, but ACK reports a sync error: ${observation.syncError}` : observation?.message;
    terminal.info(`${stateColor(terminal.color, state)} ${target.namespace}/${target.ackKind}/${target.name} (${target.awsName})${detail ? `: ${detail}` : ''}`);
    if (state === 'failed') failed.push(`${target.ackKind}/${target.name}: ${observation?.message ?? 'failed'}`);
  }
  if (failed.length > 0) throw new PartialFailure(`${failed.length} resource(s) failed to adopt: ${failed.join('; ')}`);
  const diagnosis = result.timedOut ? diagnoseWait(plan, result.observations, installs) : [];
  if (diagnosis.length > 0) {
    for (const line of diagnosis) terminal.warn(line);
    const waiting = plan.targets.filter((target) => result.observations.get(target.key)?.state !== 'adopted').length;
    throw new TimeoutError(`${waiting} resource(s) not adopted after ${Math.round(timeoutMs / 1000)}s; see the warnings above`);
  }
}
