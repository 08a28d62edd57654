// `cleanup`: the safe replacement of the migration guide's finalizer loop. Refuses while the old operator runs,
// removes only adopted objects (unless told otherwise, loudly), backs up each object first, asks before deleting.

import { defaultBackupDirectory } from '../core/cleanup/backup.ts';
import { deleteOldCrds, oldCrdNames, oldObjectOutside, refuseWhileOperatorRuns, refuseWithoutRights, runCleanup, type CleanupOutcome } from '../core/cleanup/cleanup.ts';
import { OLD_KINDS } from '../core/model/kinds.ts';
import type { KubeClient } from '../kube/client.ts';
import { decideCleanup, type CleanupItem } from '../core/cleanup/cleanup-plan.ts';
import { checkCleanupWithAws, refreshTargets, type CleanupAwsCheck, type TargetObjectRef } from '../core/cleanup/cleanup-aws.ts';
import { driftLines, unappliableWarning } from '../core/discovery/aws-check.ts';
import { ForbiddenError, PartialFailure, SafetyRefusal, UsageError } from '../errors.ts';
import type { ClusterFacts } from '../core/discovery/inventory.ts';
import { buildPlan, REPORT_PLAN_OPTIONS } from '../core/plan/plan.ts';
import { machineOutput, writePieces } from '../ui/output.ts';
import { confirmOrRefuse } from '../ui/prompt.ts';
import { tableLines } from '../ui/table.ts';
import type { Terminal } from '../ui/terminal.ts';
import { profilesByAccount, type AwsArgs, type CommonArgs } from './flags.ts';
import { prepare } from './prepare.ts';
import { inventoriesFromCluster, openAwsReader, withSession, type Session } from './session.ts';

export interface CleanupArgs extends CommonArgs, AwsArgs {
  skipAwsCheck: boolean;
  refreshSpec: boolean;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  includeUnadoptedFinishedJobs: boolean;
  backupDir?: string;
  concurrency: number;
  deleteCrds: boolean;
}

function reference(item: CleanupItem): string {
  return `${item.source.kind}/${item.source.name}`;
}

/** The decisions table's lines: one per old object, so it is written line by line rather than as one string. */
function decisionLines(items: CleanupItem[], terminal: Terminal): string[] {
  return tableLines(
    ['namespace', 'old object', 'action', 'reason'],
    items.map((item) => [
      item.source.namespace,
      reference(item),
      item.verdict.action === 'delete' ? (item.verdict.forced ? terminal.color.red('delete (forced)') : 'delete') : terminal.color.yellow('keep'),
      item.verdict.reason,
    ]),
    { width: terminal.stderrWidth },
  );
}

export async function runCleanupCommand(args: CleanupArgs): Promise<void> {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new UsageError('--concurrency must be a whole number of at least 1');
  profilesByAccount(args);
  if (args.skipAwsCheck && args.refreshSpec) throw new UsageError('--refresh-spec reads AWS: it cannot be used with --skip-aws-check');
  const terminal = await prepare(args);
  await withSession(args, terminal, async (session) => {
    const decided = await decide(session, args);
    const { cluster, namespaces, targetRefs } = decided;
    refuseWhileOperatorRuns(cluster, namespaces);
    // The CRDs are cluster-wide, so removing them needs every old operator stopped, not only those in scope.
    if (args.deleteCrds && cluster.oldOperators.some((operator) => operator.running)) {
      throw new SafetyRefusal('an old operator is still running somewhere in the cluster: its CRDs are kept');
    }
    const reader = args.skipAwsCheck || targetRefs.size === 0 ? undefined : await openAwsReader(args);
    try {
      const awsContext = reader ? { reader, controllers: cluster.ackControllers } : undefined;
      const check = awsContext ? await checkCleanupWithAws(decided.items, targetRefs, session.client, awsContext, args.refreshSpec) : undefined;
      // Drifted specs are refreshed only after the user has confirmed, and compared with AWS once more.
      const refresh = async (current: CleanupItem[]): Promise<CleanupItem[]> => (check && awsContext ? await refreshTargets(check, session.client, awsContext) : current);
      await clean(session, args, terminal, check?.items ?? decided.items, check, refresh);
    } finally {
      reader?.close();
    }
  });
}

/** What AWS showed about each drifted target, field by field, and what was not checked. */
function reportAws(terminal: Terminal, args: CleanupArgs, check: CleanupAwsCheck | undefined, toDelete: CleanupItem[]): void {
  if (args.skipAwsCheck && toDelete.length > 0) terminal.warn('--skip-aws-check: the adopted resources were not compared with AWS; one that vanished or changed since adoption is not caught');
  for (const target of check?.targets.values() ?? []) {
    if (target.verdict?.state !== 'drifted') continue;
    const what = target.refresh ? "its spec takes AWS's values first" : 'ACK would change AWS back to its spec at handover';
    terminal.info(`${target.ref.namespace}/${target.ref.ackKind}/${target.ref.name}: AWS changed since adoption; ${what}:`);
    for (const line of driftLines(target.verdict)) terminal.info(line);
  }
  for (const target of check?.targets.values() ?? []) if (target.overlap && !target.blocks) terminal.warn(`${target.ref.ackKind}/${target.ref.name}: ${target.overlap}`);
  for (const target of check?.targets.values() ?? []) {
    const warning = target.verdict ? unappliableWarning(`${target.ref.ackKind}/${target.ref.name}`, target.verdict) : undefined;
    if (warning) terminal.warn(warning);
  }
}

async function clean(session: Session, args: CleanupArgs, terminal: Terminal, decidedItems: CleanupItem[], check: CleanupAwsCheck | undefined, refresh: (current: CleanupItem[]) => Promise<CleanupItem[]>): Promise<void> {
  let items = decidedItems;
  let toDelete = items.filter((item) => item.verdict.action === 'delete');
  let kept = items.filter((item) => item.verdict.action === 'keep');
  if (items.length > 0) writePieces(decisionLines(items, terminal), (text) => terminal.info(text.replace(/\n$/, '')));
  reportAws(terminal, args, check, toDelete);
  if (args.dryRun) {
    const machine = await machineOutput({ dryRun: true, decisions: items.map(describeDecision) }, args.output, args.jq);
    if (machine) process.stdout.write(machine);
    terminal.info(`dry run: ${toDelete.length} object(s) would be removed, ${kept.length} kept; nothing was changed`);
    if (args.deleteCrds) terminal.info(await crdOutlook(session.client, toDelete, kept));
    return;
  }
  for (const item of toDelete.filter((candidate) => candidate.verdict.action === 'delete' && candidate.verdict.forced)) {
    terminal.warn(`--force: removing ${item.source.namespace}/${reference(item)} although ${item.verdict.reason.replace(/^FORCED: /, '')}`);
  }

  const backupDirectory = args.backupDir ?? defaultBackupDirectory(session.config.contextName);
  let outcomes: CleanupOutcome[] = [];
  if (toDelete.length > 0) {
    await refuseWithoutRights(items, session.client, args.concurrency);
    await confirmOrRefuse(
      terminal,
      args.yes,
      `remove ${toDelete.length} object(s)`,
      `Remove ${toDelete.length} old object(s) from context ${session.config.contextName}? Each is backed up to ${backupDirectory} first.`,
    );
    items = await refresh(items);
    const keptBefore = new Set(kept);
    const keptNow = items.filter((item) => item.verdict.action === 'keep' && !keptBefore.has(item));
    for (const item of keptNow) terminal.warn(`${item.source.namespace}/${reference(item)} kept after all: ${item.verdict.reason}`);
    toDelete = items.filter((item) => item.verdict.action === 'delete');
    kept = items.filter((item) => item.verdict.action === 'keep');
    const progress = terminal.progress('removing old objects', toDelete.length);
    try {
      outcomes = await runCleanup(items, session.client, { backupDirectory, concurrency: args.concurrency, onOutcome: () => progress.tick() });
    } finally {
      progress.stop();
    }
  }

  const deletedCrds = args.deleteCrds && kept.length === 0 && outcomes.every((outcome) => outcome.result !== 'failed')
    ? await deleteOldCrds(session.client, backupDirectory)
    : [];
  const summary = {
    backupDirectory,
    deleted: outcomes.filter((outcome) => outcome.result === 'deleted').length,
    alreadyGone: outcomes.filter((outcome) => outcome.result === 'already-gone').length,
    kept: kept.length,
    failed: outcomes.filter((outcome) => outcome.result === 'failed' || outcome.result === 'replaced').length,
    deletedCrds,
  };
  // One entry per object: made only when it is printed.
  const machine = args.output === 'json' || args.output === 'yaml'
    ? await machineOutput({ ...summary, outcomes: outcomes.map((outcome) => ({ ...describeDecision(outcome.item), result: outcome.result, backup: outcome.backup, message: outcome.message })) }, args.output, args.jq)
    : undefined;
  if (machine) process.stdout.write(machine);
  for (const outcome of outcomes.filter((candidate) => candidate.result === 'failed' || candidate.result === 'replaced')) {
    terminal.warn(`${outcome.item.source.namespace}/${reference(outcome.item)}: ${outcome.message}`);
  }
  terminal.info(
    `removed ${summary.deleted}, already gone ${summary.alreadyGone}, kept ${summary.kept}, failed ${summary.failed}; backups in ${backupDirectory}${deletedCrds.length > 0 ? `; deleted CRDs: ${deletedCrds.join(', ')}` : ''}`,
  );
  if (args.deleteCrds && deletedCrds.length === 0) terminal.info(`--delete-crds: the old CRDs were kept, because ${kept.length > 0 ? `${kept.length} object(s) were kept` : 'some objects could not be removed'}`);
  finish(outcomes, kept);
}

/** What --delete-crds would do after this run: the CRDs go only when no old object would remain anywhere. */
async function crdOutlook(client: KubeClient, toDelete: CleanupItem[], kept: CleanupItem[]): Promise<string> {
  if (kept.length > 0) return `--delete-crds: the old CRDs would be kept, because ${kept.length} object(s) would be kept`;
  const outside = await oldObjectOutside(client, new Set(toDelete.map((item) => item.source.uid ?? '')));
  if (outside) return `--delete-crds: the old CRDs would be kept, because old objects outside this run's scope remain (${outside}, perhaps more)`;
  return `--delete-crds: the old CRDs would then be deleted (backed up first): ${oldCrdNames().join(', ')}`;
}

/**
 * The decisions and the facts cleanup checks, one group of namespaces at a time: only the decisions are kept, never
 * the inventory or the plan of the whole cluster (hundreds of MiB at 50,000 objects).
 */
async function decide(session: Session, args: CleanupArgs): Promise<{ cluster: ClusterFacts; namespaces: string[]; items: CleanupItem[]; targetRefs: Map<string, TargetObjectRef> }> {
  let cluster: ClusterFacts | undefined;
  const namespaces = new Set<string>();
  const items: CleanupItem[] = [];
  const targetRefs = new Map<string, TargetObjectRef>();
  for await (const inventory of inventoriesFromCluster(session, args)) {
    cluster ??= inventory.cluster!;
    const plan = buildPlan(inventory, REPORT_PLAN_OPTIONS);
    for (const source of plan.sources) namespaces.add(source.namespace);
    const decided = decideCleanup(plan, { force: args.force, includeUnadoptedFinishedJobs: args.includeUnadoptedFinishedJobs });
    const deleting = new Set(decided.filter((item) => item.verdict.action === 'delete').flatMap((item) => item.source.targetKeys));
    // Only the adopted targets of objects that go: their ACK objects are what AWS is compared with.
    for (const target of plan.targets) {
      if (deleting.has(target.key) && target.state === 'adopted') targetRefs.set(target.key, { ackKind: target.ackKind, namespace: target.namespace, name: target.name });
    }
    for (const item of decided) items.push(item);
  }
  return { cluster: cluster!, namespaces: [...namespaces], items, targetRefs };
}

function describeDecision(item: CleanupItem) {
  return { kind: item.source.kind, namespace: item.source.namespace, name: item.source.name, action: item.verdict.action, reason: item.verdict.reason };
}

function finish(outcomes: CleanupOutcome[], kept: CleanupItem[]): void {
  const failed = outcomes.filter((outcome) => outcome.result === 'failed' || outcome.result === 'replaced');
  if (failed.length > 0) {
    const allForbidden = failed.every((outcome) => outcome.message?.startsWith('forbidden:'));
    const message = `${failed.length} object(s) could not be removed: ${failed.map((outcome) => `${reference(outcome.item)} (${outcome.message})`).join('; ')}`;
    throw allForbidden && failed.length === outcomes.length ? new ForbiddenError(message) : new PartialFailure(message);
  }
  const keptForAws = kept.filter((item) => item.keptForAws);
  if (keptForAws.length > 0) {
    throw new SafetyRefusal(
      `${keptForAws.length} old object(s) kept because an AWS resource they stand for vanished, changed since adoption, or could not be read (see above): ${keptForAws.map((item) => `${item.source.namespace}/${reference(item)}`).join(', ')}; for drift, run cleanup --refresh-spec to take AWS's current values into the ACK spec`,
    );
  }
  if (kept.length > 0) {
    const finishedJobs = kept.some((item) => OLD_KINDS.find((kind) => kind.kind === item.source.kind)?.finishedPhases.includes(item.source.phase ?? '\u0000'));
    const hint = finishedJobs ? 'run adopt --wait, or --include-unadopted-finished-jobs for finished jobs' : 'run adopt --wait (status shows why each is not adopted)';
    throw new SafetyRefusal(`${kept.length} object(s) kept because their AWS resources are not adopted or they would come back: ${hint}`);
  }
}
