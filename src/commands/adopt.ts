// `adopt`: creates the ACK objects that adopt each AWS resource; --dry-run prints or validates them, --wait watches.

import { adopt, plansToAdopt, refuseBlockedAdoption, type AdoptionBatch, type AdoptOutcome } from '../core/adoption/adopt.ts';
import { PartialFailure, TimeoutError, UsageError } from '../errors.ts';
import { manifestsToCreate } from '../core/plan/manifests.ts';
import { buildPlan, mergePlans, type MigrationPlan } from '../core/plan/plan.ts';
import type { AckControllerInstall } from '../core/discovery/controllers.ts';
import { waitForAdoption } from '../core/adoption/wait.ts';
import { diagnoseWait } from '../core/adoption/wait-diagnosis.ts';
import { machineOutput, toYamlStream } from '../ui/output.ts';
import type { Terminal } from '../ui/terminal.ts';
import type { ProgressCounter } from '../ui/progress.ts';
import { renderOutcomes, stateColor } from '../ui/views.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { parseDuration, planOptionsOf } from './flags.ts';
import type { PlanArgs } from './plan.ts';
import { prepare } from './prepare.ts';
import { inventoriesFromCluster, inventoryFromFile, withSession } from './session.ts';

type DryRun = 'none' | 'client' | 'server';

export interface AdoptArgs extends PlanArgs {
  dryRun: DryRun;
  wait: boolean;
  timeout: string;
  concurrency: number;
}

export async function runAdopt(args: AdoptArgs): Promise<void> {
  const timeoutMs = parseDuration(args.timeout);
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new UsageError('--concurrency must be a whole number of at least 1');
  if (args.fromFile && args.dryRun !== 'client') throw new UsageError('--from-file works offline: use it with --dry-run=client');
  if (args.wait && args.dryRun !== 'none') throw new UsageError('--wait cannot be used with --dry-run');
  const terminal = await prepare(args);
  if (args.fromFile) {
    await printManifests(onePlan(buildPlan(inventoryFromFile(args.fromFile, args), planOptionsOf(args))), args);
    return;
  }
  await withSession(args, terminal, async (session) => {
    const reading = { withSpecs: args.spec === 'translate', createRights: true };
    const batches = withWarnings(plansToAdopt(inventoriesFromCluster(session, args, reading), planOptionsOf(args)), terminal);
    if (args.dryRun === 'client') {
      await printManifests(plansOf(batches), args);
      return;
    }
    const summaries: OutcomeSummary[] = [];
    const failed: string[] = [];
    const waitedFor: MigrationPlan[] = [];
    let ackControllers: AckControllerInstall[] | undefined;
    const report = async (): Promise<void> => {
      const machine = await machineOutput({ outcomes: summaries }, args.output, args.jq);
      process.stdout.write(machine ?? renderOutcomes(summaries, terminal.color));
    };
    try {
      for await (const { plan, ackControllers: installs } of batches) {
        ackControllers = installs;
        for (const outcome of await adoptBatch(plan, session.client, terminal, args)) {
          summaries.push(summarizeOutcome(outcome));
          if (outcome.result === 'failed') failed.push(outcome.message ?? 'failed');
        }
        if (args.wait) waitedFor.push({ ...plan, sources: [] });
      }
    } catch (error) {
      // A blocker only a later namespace group has stops the run: what earlier groups created is shown first.
      if (summaries.length > 0) await report();
      throw error;
    }
    await report();
    if (failed.length > 0) throw new PartialFailure(`${failed.length} of ${summaries.length} object(s) could not be created: ${failed.join('; ')}`);
    if (args.wait && waitedFor.length > 0) await waitAndReport(mergePlans(waitedFor), session.client, terminal, timeoutMs, ackControllers);
  });
}

/** One batch's creates, counted on the progress line (or a spinner, for few). */
async function adoptBatch(plan: MigrationPlan, client: KubeClient, terminal: Terminal, args: AdoptArgs): Promise<AdoptOutcome[]> {
  let progress: ProgressCounter | undefined;
  try {
    return await adopt(plan, client, {
      serverDryRun: args.dryRun === 'server',
      concurrency: args.concurrency,
      onStart: (total) => (progress = terminal.progress(args.dryRun === 'server' ? 'validating manifests' : 'creating ACK objects', total)),
      onOutcome: () => progress?.tick(),
    });
  } finally {
    progress?.stop();
  }
}

async function* onePlan(plan: MigrationPlan): AsyncGenerator<MigrationPlan> {
  refuseBlockedAdoption(plan);
  yield plan;
}

/** Warns once for each warning of any batch, as the batches pass. */
async function* withWarnings(batches: AsyncIterable<AdoptionBatch>, terminal: Terminal): AsyncGenerator<AdoptionBatch> {
  const warned = new Set<string>();
  for await (const batch of batches) {
    for (const warning of batch.plan.warnings.filter((candidate) => !warned.has(candidate))) {
      warned.add(warning);
      terminal.warn(warning);
    }
    yield batch;
  }
}

async function* plansOf(batches: AsyncIterable<AdoptionBatch>): AsyncGenerator<MigrationPlan> {
  for await (const { plan } of batches) yield plan;
}

/**
 * GitOps output, written as the plans come (one namespace group at a time over a large cluster, so memory stays
 * bounded): a YAML stream by default, a JSON List with -o json, laid out as a whole document would be. --jq needs
 * the whole document.
 */
async function printManifests(plans: AsyncIterable<MigrationPlan>, args: AdoptArgs): Promise<void> {
  if (args.jq) {
    const items: KubeObject[] = [];
    for await (const plan of plans) for (const { manifest } of manifestsToCreate(plan)) items.push(manifest);
    process.stdout.write((await machineOutput({ apiVersion: 'v1', kind: 'List', items }, 'json', args.jq))!);
    return;
  }
  const json = args.output === 'json';
  let written = 0;
  for await (const plan of plans) {
    const manifests = manifestsToCreate(plan).map(({ manifest }) => manifest);
    if (json) {
      const items = manifests.map((manifest) => `    ${JSON.stringify(manifest, null, 2).replaceAll('\n', '\n    ')}`);
      if (items.length > 0) await writeOut(`${written === 0 ? '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n' : ',\n'}${items.join(',\n')}`);
    } else if (manifests.length > 0) {
      await writeOut(toYamlStream(manifests));
    }
    written += manifests.length;
  }
  if (json) await writeOut(written === 0 ? '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": []\n}\n' : '\n  ]\n}\n');
}

/** Writes to stdout, waiting while the pipe is full so that a slow reader holds the output back, not memory. */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve)));
}

interface OutcomeSummary {
  kind: string;
  namespace: string | undefined;
  name: string;
  awsResource: string;
  result: AdoptOutcome['result'];
  message?: string;
}

function summarizeOutcome(outcome: AdoptOutcome): OutcomeSummary {
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
  const progress = terminal.spinner(`waiting for ${plan.targets.length} AWS resource(s) to be adopted`);
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
