// Before cleanup removes an old object (the step with no way back), checks each ACK object that adopted its AWS
// resources against AWS: an old object whose resource is gone from AWS, differs from the ACK spec (ACK would roll it
// back at handover), or cannot be read, is kept. With --refresh-spec a drifted ACK spec is first refreshed from AWS.

import type { KubeClient } from '../../kube/client.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/objects.ts';
import { ACK_KINDS, type AckKind, type AckKindName } from '../model/ack-kinds.ts';
import { needsAwsCheck } from '../model/aws-drift.ts';
import { inParallel } from '../model/in-parallel.ts';
import { checkWithAws, overlapEnded, refreshSpecFromAws, verdictReason, type AwsCheckContext, type AwsVerdict } from '../discovery/aws-check.ts';
import type { CleanupItem } from './cleanup-plan.ts';

/** The ACK object that adopted one of an old object's AWS resources. */
export interface TargetObjectRef {
  ackKind: AckKindName;
  namespace: string;
  name: string;
}

export interface CheckedTarget {
  ref: TargetObjectRef;
  kind: AckKind;
  object: KubeObject | undefined;
  verdict: AwsVerdict | undefined;
  /** Why the overlap may have ended for it (read-only removed, or the controller ignores read-only). */
  overlap?: string;
  /** Drifted and --refresh-spec: its spec is refreshed from AWS before the old objects go. */
  refresh: boolean;
  /** Why the old objects it stands for must be kept; undefined when they may go. */
  blocks?: string;
}

export interface CleanupAwsCheck {
  items: CleanupItem[];
  targets: Map<string, CheckedTarget>;
}

const CHECK_CONCURRENCY = 8;
const MAX_CONFLICT_RETRIES = 5;

function refOf(target: CheckedTarget): string {
  return `${target.ref.ackKind}/${target.ref.name}`;
}

/** Reads each adopted target of the objects to delete, compares it with AWS, and keeps the objects it must. */
export async function checkCleanupWithAws(
  items: CleanupItem[],
  targetRefs: ReadonlyMap<string, TargetObjectRef>,
  client: KubeClient,
  context: Omit<AwsCheckContext, 'siblings'>,
  refreshSpec: boolean,
): Promise<CleanupAwsCheck> {
  const keys = [...new Set(items.filter((item) => item.verdict.action === 'delete').flatMap((item) => item.source.targetKeys))].filter(
    (key) => targetRefs.has(key) && needsAwsCheck(targetRefs.get(key)!.ackKind),
  );
  const read = await inParallel(keys, CHECK_CONCURRENCY, async (key) => {
    const ref = targetRefs.get(key)!;
    const kind = ACK_KINDS[ref.ackKind];
    try {
      return { key, ref, kind, object: await client.get(kind, ref.name, ref.namespace) as KubeObject | undefined };
    } catch (error) {
      if (isNotFound(error)) return { key, ref, kind, object: undefined };
      throw error;
    }
  });
  const siblings = read.flatMap((entry) => (entry.object ? [entry.object] : []));
  const checked = await inParallel(read, CHECK_CONCURRENCY, async ({ key, ref, kind, object }): Promise<[string, CheckedTarget]> => {
    if (!object) return [key, { ref, kind, object, verdict: undefined, refresh: false, blocks: `its ACK object ${ref.ackKind}/${ref.name} is gone` }];
    const verdict = await checkWithAws(object, kind, { ...context, siblings });
    const overlap = overlapEnded(object, kind, context.controllers);
    const target: CheckedTarget = { ref, kind, object, verdict, refresh: false, ...(overlap ? { overlap } : {}) };
    if (verdict.state === 'in-sync') return [key, target];
    if (verdict.state === 'drifted' && refreshSpec) return [key, { ...target, refresh: true }];
    return [key, { ...target, blocks: `${verdictReason(verdict)}${overlap ? ` (${overlap})` : ''}` }];
  });
  const targets = new Map(checked);
  return { items: items.map((item) => keepBlocked(item, targets)), targets };
}

function keepBlocked(item: CleanupItem, targets: ReadonlyMap<string, CheckedTarget>): CleanupItem {
  if (item.verdict.action !== 'delete') return item;
  const blocking = item.source.targetKeys.map((key) => targets.get(key)).filter((target): target is CheckedTarget => target?.blocks !== undefined);
  if (blocking.length === 0) return item;
  return { ...item, verdict: { action: 'keep', reason: `AWS check: ${blocking.map((target) => `${refOf(target)}: ${target.blocks}`).join('; ')}` }, keptForAws: true };
}

/**
 * After confirmation: refreshes each drifted target's spec from AWS and compares again; the old objects of a target
 * that still differs (AWS changed in between) are kept after all.
 */
export async function refreshTargets(check: CleanupAwsCheck, client: KubeClient, context: Omit<AwsCheckContext, 'siblings'>): Promise<CleanupItem[]> {
  const refreshing = [...check.targets.entries()].filter(([, target]) => target.refresh && target.verdict?.state === 'drifted');
  const siblings = [...check.targets.values()].flatMap((target) => (target.object ? [target.object] : []));
  await inParallel(refreshing, CHECK_CONCURRENCY, async ([key, target]) => {
    let object = target.object!;
    let verdict = target.verdict as AwsVerdict;
    for (let attempt = 0; verdict.state === 'drifted'; attempt += 1) {
      try {
        object = await refreshSpecFromAws(client, object, target.kind, verdict);
        break;
      } catch (error) {
        // ACK writes status at its resyncs: read the object again and decide again.
        if (!isConflict(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        object = await client.get(target.kind, target.ref.name, target.ref.namespace);
        verdict = await checkWithAws(object, target.kind, { ...context, siblings });
      }
    }
    const again = await checkWithAws(object, target.kind, { ...context, siblings });
    check.targets.set(key, { ...target, object, verdict: again, ...(again.state === 'in-sync' ? {} : { blocks: `AWS changed again after its spec was refreshed: ${verdictReason(again)}` }) });
  });
  return check.items.map((item) => keepBlocked(item, check.targets));
}
