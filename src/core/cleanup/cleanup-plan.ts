// Decides, per old object, whether cleanup may remove it (pure): only when every AWS resource it stands for is
// adopted by ACK, or when the user explicitly accepts a documented exception.

import { sourceRef, type MigrationPlan, type PlannedSource } from '../plan/plan.ts';
import { OLD_KINDS } from '../model/kinds.ts';

export interface CleanupOptions {
  /** Clean objects whose targets are not adopted. Loud; never overrides a running old operator. */
  force: boolean;
  /** Clean finished jobs (Completed, Failed, Stopped) that were not adopted: nothing of theirs runs in AWS. */
  includeUnadoptedFinishedJobs: boolean;
}

export type CleanupVerdict =
  | { action: 'delete'; reason: string; forced: boolean }
  | { action: 'keep'; reason: string };

export interface CleanupItem {
  source: PlannedSource;
  verdict: CleanupVerdict;
  /** Kept because of what AWS showed, or could not show, about one of its adopted resources. */
  keptForAws?: boolean;
}

export function decideCleanup(plan: MigrationPlan, options: CleanupOptions): CleanupItem[] {
  const targets = new Map(plan.targets.map((target) => [target.key, target]));
  const sourcesByRef = new Map(plan.sources.map((source) => [sourceRef(source.kind, source.namespace, source.name), source]));

  const adoptionGap = (source: PlannedSource): string | undefined => {
    const missing = source.targetKeys.map((key) => targets.get(key)!).filter((target) => target.state !== 'adopted');
    if (missing.length === 0) return undefined;
    return missing.map((target) => `${target.ackKind}/${target.name} is ${target.state}${target.message ? ` (${target.message})` : ''}`).join(', ');
  };

  return plan.sources.map((source) => {
    const keep = (reason: string): CleanupItem => {
      if (options.force) return { source, verdict: { action: 'delete', reason: `FORCED: ${reason}`, forced: true } };
      return { source, verdict: { action: 'keep', reason } };
    };
    if (source.owners.length > 0) return keep(`managed by ${source.owners.join(', ')}; it would be re-created`);

    if (source.role === 'tuning-job-child' && source.targetKeys.length === 0) {
      const parent = source.parent ? sourcesByRef.get(source.parent) : undefined;
      if (!parent) return keep('spawned by a tuning job that is not in scope, so its adoption cannot be checked');
      const gap = adoptionGap(parent);
      if (gap) return keep(`its tuning job is not adopted yet: ${gap}`);
      return { source, verdict: { action: 'delete', reason: `its tuning job ${source.parent} is adopted`, forced: false } };
    }

    if (source.targetKeys.length === 0) {
      return { source, verdict: { action: 'delete', reason: 'it never reached AWS: nothing to adopt or lose', forced: false } };
    }

    const gap = adoptionGap(source);
    if (!gap) return { source, verdict: { action: 'delete', reason: 'every AWS resource it stands for is adopted', forced: false } };
    const kind = OLD_KINDS.find((candidate) => candidate.kind === source.kind);
    if (options.includeUnadoptedFinishedJobs && kind && source.phase && kind.finishedPhases.includes(source.phase)) {
      return { source, verdict: { action: 'delete', reason: `finished job (${source.phase}): nothing of it runs in AWS`, forced: false } };
    }
    return keep(`not adopted: ${gap}`);
  });
}
