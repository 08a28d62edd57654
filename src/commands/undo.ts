// `undo`: the way back after `adopt`, while the old objects are still there: removes the ACK objects and
// AdoptedResources this tool made, each set to retain and read-only first, so AWS is never touched.

import { setTimeout as sleep } from 'node:timers/promises';
import { MigrateError, PartialFailure, SafetyRefusal, TimeoutError } from '../errors.ts';
import { findOperatorDeployments } from '../core/cleanup/stop-operator.ts';
import { ackFinalizer } from '../core/model/ack-kinds.ts';
import { inParallel } from '../core/model/in-parallel.ts';
import { controllerRunning, decideUndo, stoppedInstallsServing, undoOne, type UndoItem, type UndoOutcome } from '../core/undo/undo.ts';
import { machineOutput } from '../ui/output.ts';
import { confirmOrRefuse } from '../ui/prompt.ts';
import { formatTable } from '../ui/table.ts';
import { parseDuration, type CommonArgs } from './flags.ts';
import { prepare } from './prepare.ts';
import { inventoryFromCluster, withSession } from './session.ts';

export interface UndoArgs extends CommonArgs {
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  timeout: string;
  concurrency: number;
}

function label(item: UndoItem): string {
  return `${item.object.kind}/${item.object.metadata.name}`;
}

export async function runUndo(args: UndoArgs): Promise<void> {
  const timeoutMs = parseDuration(args.timeout);
  const terminal = await prepare(args);
  await withSession(args, terminal, async (session) => {
    const inventory = await inventoryFromCluster(session, args, { oldObjectsEverywhere: true });
    const installs = inventory.cluster?.ackControllers ?? [];
    const decided = decideUndo(inventory).map((item): UndoItem => {
      const managed = item.kind ? (item.object.metadata.finalizers ?? []).includes(ackFinalizer(item.kind)) : (item.object.metadata.finalizers ?? []).length > 0;
      if (item.action !== 'remove' || !managed || controllerRunning(item, installs) || args.force) return item;
      return { ...item, action: 'refuse', reason: 'its ACK controller is not running, so ACK\'s finalizer would hold the object forever: start the controller, or pass --force to remove the finalizer here (nothing can call AWS then)' };
    });
    if (decided.length > 0) {
      terminal.info(formatTable(['namespace', 'object', 'action', 'reason'], decided.map((item) => [item.object.metadata.namespace ?? '', label(item), item.action, item.reason])).trimEnd());
    }
    const toRemove = decided.filter((item) => item.action === 'remove');
    const refused = decided.filter((item) => item.action === 'refuse');
    if (args.dryRun || toRemove.length === 0) {
      terminal.info(args.dryRun ? `dry run: ${toRemove.length} object(s) would be removed, ${refused.length} refused; nothing was changed` : 'nothing to undo');
      await printMachine(args, decided, []);
      finish(refused);
      return;
    }
    await confirmOrRefuse(terminal, args.yes, `remove ${toRemove.length} ACK object(s)`, `Remove ${toRemove.length} ACK object(s) this tool made in context ${session.config.contextName}? Each is set to retain and read-only first; AWS is not touched.`);
    const progress = terminal.spinner(`removing ${toRemove.length} ACK object(s)`);
    const outcomes: UndoOutcome[] = [];
    const failures: string[] = [];
    try {
      await inParallel(toRemove, args.concurrency, async (item) => {
        try {
          outcomes.push(await undoOne(item, session.client, { removeFinalizers: args.force && !controllerRunning(item, installs), timeoutMs, sleep: (milliseconds) => sleep(milliseconds) }));
        } catch (error) {
          if (!(error instanceof MigrateError)) throw error;
          failures.push(`${label(item)}: ${error.message}`);
        }
        progress.update(`removed ${outcomes.length} of ${toRemove.length}`);
      });
    } finally {
      progress.stop();
    }
    for (const outcome of outcomes.filter((candidate) => candidate.message)) terminal.warn(`${label(outcome.item)}: ${outcome.message}`);
    const removed = outcomes.filter((outcome) => outcome.result === 'removed' || outcome.result === 'already-gone').length;
    terminal.info(`removed ${removed} of ${toRemove.length}; the old objects are untouched and the old operator manages them as before`);
    const namespaces = [...new Set(toRemove.map((item) => item.object.metadata.namespace ?? 'default'))];
    const stopped = stoppedInstallsServing(namespaces, await findOperatorDeployments(session.client).catch(() => []));
    if (stopped.length > 0) terminal.warn(`the old operator that serves these namespaces is stopped: ${stopped.join(', ')}; run stop-operator --restore when it should manage them again (one cluster-wide install serves every namespace)`);
    await printMachine(args, decided, outcomes);
    if (failures.length > 0) throw new PartialFailure(`${failures.length} object(s) could not be removed: ${failures.join('; ')}`);
    const waiting = outcomes.filter((outcome) => outcome.result === 'waiting' || outcome.result === 'replaced');
    if (waiting.length > 0) throw new TimeoutError(`${waiting.length} object(s) not gone yet: ${waiting.map((outcome) => label(outcome.item)).join(', ')}; run undo again once the ACK controller has released them`);
    finish(refused);
  });
}

async function printMachine(args: UndoArgs, items: UndoItem[], outcomes: UndoOutcome[]): Promise<void> {
  const outcomeByUid = new Map(outcomes.map((outcome) => [outcome.item.object.metadata.uid, outcome]));
  const machine = await machineOutput({
    items: items.map((item) => {
      const outcome = outcomeByUid.get(item.object.metadata.uid);
      return { kind: item.object.kind, namespace: item.object.metadata.namespace, name: item.object.metadata.name, action: item.action, reason: item.reason, ...(outcome ? { result: outcome.result } : {}) };
    }),
  }, args.output, args.jq);
  if (machine) process.stdout.write(machine);
}

function finish(refused: UndoItem[]): void {
  if (refused.length === 0) return;
  throw new SafetyRefusal(`${refused.length} object(s) cannot be undone safely and were left as they are: ${refused.map(label).join(', ')} (see the reasons above)`);
}
