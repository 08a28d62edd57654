// `handover`: after cleanup, lets ACK manage the adopted AWS resources (removes observe-only from its objects), but
// only those whose AWS resource still exists and matches the spec ACK would enforce: anything else would be rolled
// back by ACK at its next resync.

import { MigrateError, PartialFailure, SafetyRefusal, UsageError } from '../errors.ts';
import { driftLines, unappliableWarning } from '../core/discovery/aws-check.ts';
import { checkHandoverWithAws, decideHandover, gitOpsOwners, handOver, refreshedManifest, releaseChecked, type HandoverItem } from '../core/handover/handover.ts';
import type { DeletionPolicy } from '../core/plan/plan.ts';
import { machineOutput, toYamlStream } from '../ui/output.ts';
import { confirmOrRefuse } from '../ui/prompt.ts';
import { formatTable } from '../ui/table.ts';
import type { Terminal } from '../ui/terminal.ts';
import { profilesByAccount, type AwsArgs, type CommonArgs } from './flags.ts';
import { prepare } from './prepare.ts';
import { inventoryFromCluster, openAwsReader, withSession } from './session.ts';

export interface HandoverArgs extends CommonArgs, AwsArgs {
  yes: boolean;
  dryRun: boolean;
  deletionPolicy?: DeletionPolicy;
  skipAwsCheck: boolean;
  refreshSpec: boolean;
}

// ACK reconciles on spec changes only; an annotation change takes effect at each object's next resync.
const TAKES_EFFECT =
  "ACK applies it at each object's next resync: about 30 s for an Endpoint, the controller's resync period (or its next restart) for ScalableTargets and ScalingPolicies";

/** The decisions, on stderr: their reasons wrap at its width. */
function table(items: HandoverItem[], width: number | undefined): string {
  return formatTable(['namespace', 'ack object', 'action', 'reason'], items.map((item) => [
    item.object.metadata.namespace ?? '', `${item.object.kind}/${item.object.metadata.name}`, item.action, item.reason,
  ]), { width }).trimEnd();
}

/** The field-by-field report of each drifted object, as `terraform plan` shows a change. */
function reportDrift(items: HandoverItem[], terminal: Terminal, refreshSpec: boolean): void {
  for (const item of items) {
    const warning = item.aws ? unappliableWarning(`${item.object.kind}/${item.object.metadata.name}`, item.aws) : undefined;
    if (warning) terminal.warn(warning);
  }
  for (const item of items.filter((candidate) => candidate.aws?.state === 'drifted')) {
    const what = refreshSpec ? "its spec takes AWS's values" : 'ACK would change AWS back to its spec';
    terminal.info(`${item.object.metadata.namespace}/${item.object.kind}/${item.object.metadata.name}: AWS changed since adoption; ${what}:`);
    for (const line of driftLines(item.aws!)) terminal.info(line);
    const owners = gitOpsOwners(item);
    if (owners.length > 0) terminal.warn(`${item.object.kind}/${item.object.metadata.name} is tracked by ${owners.join(', ')}: its next sync from Git puts the old spec back unless Git is updated (-o yaml prints the refreshed manifest)`);
  }
}

export async function runHandover(args: HandoverArgs): Promise<void> {
  profilesByAccount(args);
  const terminal = await prepare(args);
  if (args.skipAwsCheck && args.refreshSpec) throw new UsageError('--refresh-spec reads AWS: it cannot be used with --skip-aws-check');
  await withSession(args, terminal, async (session) => {
    const inventory = await inventoryFromCluster(session, args, { oldObjectsEverywhere: true });
    const decided = decideHandover(inventory);
    for (const warning of decided.warnings) terminal.warn(warning);
    const controllers = inventory.cluster?.ackControllers ?? [];
    const reader = args.skipAwsCheck ? undefined : await openAwsReader(args);
    try {
      const items = reader ? await checkHandoverWithAws(decided.items, session.client, { reader, controllers }, args.refreshSpec) : decided.items;
      const ready = items.filter((item) => item.action === 'hand-over');
      if (items.length > 0) terminal.info(table(items, terminal.stderrWidth));
      if (reader) reportDrift(items, terminal, args.refreshSpec);
      else for (const item of ready) terminal.warn(`--skip-aws-check: ${item.object.kind}/${item.object.metadata.name} was not compared with AWS; a rollback by ACK is not ruled out`);
      const keptForAws = items.filter((item) => item.keptForAws);

      if (args.dryRun || ready.length === 0) {
        terminal.info(args.dryRun ? `dry run: ${ready.length} object(s) would be handed over; nothing was changed` : 'nothing to hand over');
        await printMachine(args, items);
        finish(keptForAws, []);
        return;
      }
      await confirmOrRefuse(terminal, args.yes, 'hand over', `Let ACK manage ${ready.length} AWS resource(s)? ACK will then change AWS to match each object's spec.`);
      const failures: string[] = [];
      const ended: HandoverItem[] = [];
      for (const item of ready) {
        try {
          if (reader) ended.push(await releaseChecked(item, session.client, { reader, controllers, siblings: ready.map((candidate) => candidate.object) }, { deletionPolicy: args.deletionPolicy }));
          else {
            await handOver(item, session.client, args.deletionPolicy);
            ended.push(item);
          }
        } catch (error) {
          if (!(error instanceof MigrateError)) throw error;
          failures.push(`${item.object.kind}/${item.object.metadata.name}: ${error.message}`);
        }
      }
      const keptAtRelease = ended.filter((item) => item.action === 'keep');
      for (const item of keptAtRelease) terminal.warn(`${item.object.kind}/${item.object.metadata.name} kept read-only: ${item.reason}`);
      terminal.info(`handed over ${ended.length - keptAtRelease.length}; ${TAKES_EFFECT}`);
      const endedByUid = new Map(ended.map((item) => [item.object.metadata.uid, item]));
      await printMachine(args, items.map((item) => endedByUid.get(item.object.metadata.uid) ?? item));
      if (failures.length > 0) throw new PartialFailure(`${failures.length} object(s) could not be handed over: ${failures.join('; ')}`);
      finish([...keptForAws, ...keptAtRelease], failures);
    } finally {
      reader?.close();
    }
  });
}

async function printMachine(args: HandoverArgs, items: HandoverItem[]): Promise<void> {
  if (args.output === 'yaml' && args.refreshSpec) {
    // The refreshed manifests themselves, so that a GitOps repository can take them before (or instead of) the run.
    process.stdout.write(toYamlStream(items.filter((item) => item.refresh).map(refreshedManifest)));
    return;
  }
  const machine = await machineOutput({
    items: items.map((item) => ({
      kind: item.object.kind,
      namespace: item.object.metadata.namespace,
      name: item.object.metadata.name,
      action: item.action,
      reason: item.reason,
      ...(item.aws ? { aws: item.aws.state } : {}),
      ...(item.aws?.state === 'drifted' ? { differences: item.aws.differences } : {}),
    })),
  }, args.output, args.jq);
  if (machine) process.stdout.write(machine);
}

function finish(kept: HandoverItem[], failures: string[]): void {
  if (kept.length === 0 || failures.length > 0) return;
  const drifted = kept.some((item) => item.aws?.state === 'drifted');
  throw new SafetyRefusal(
    `${kept.length} object(s) kept read-only because AWS differs from their spec, their AWS resource is gone, or AWS could not be read: ${kept.map((item) => `${item.object.kind}/${item.object.metadata.name}`).join(', ')}${drifted ? '; run handover --refresh-spec to take AWS\'s current values into their spec first' : ''}`,
  );
}
