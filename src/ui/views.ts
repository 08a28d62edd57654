// Human-readable renderings of plans, adoption outcomes and status reports.

import type { ChalkInstance } from 'chalk';
import type { AdoptionState } from '../core/adoption-state.ts';
import type { AdoptOutcome } from '../core/adopt.ts';
import type { MigrationPlan, PlannedTarget } from '../core/plan.ts';
import type { StatusReport } from '../core/status.ts';
import { formatTable } from './table.ts';

export function stateColor(color: ChalkInstance, state: AdoptionState | string): string {
  if (state === 'adopted' || state === 'created' || state === 'validated') return color.green(state);
  if (state === 'failed') return color.red(state);
  if (state === 'pending' || state === 'already-exists') return color.yellow(state);
  return state;
}

function targetLabel(target: PlannedTarget): string {
  return `${target.ackKind}/${target.name}`;
}

export function renderPlan(plan: MigrationPlan, color: ChalkInstance, wide: boolean): string {
  const parts: string[] = [];
  if (plan.sources.length === 0) return 'No old-operator (sagemaker.aws.amazon.com) objects found.\n';
  const targets = new Map(plan.targets.map((target) => [target.key, target]));
  parts.push(
    formatTable(
      ['namespace', 'old object', 'phase', 'adopted as', ...(wide ? ['role'] : [])],
      plan.sources.map((source) => [
        source.namespace,
        `${source.kind}/${source.name}`,
        source.phase ?? '',
        source.note ? color.dim(source.note) : source.targetKeys.map((key) => targetLabel(targets.get(key)!)).join(', '),
        ...(wide ? [source.parent ? `${source.role} of ${source.parent}` : source.role] : []),
      ]),
    ),
  );
  if (plan.targets.length > 0) {
    parts.push(
      formatTable(
        ['namespace', 'ack object', 'aws resource', 'method', 'state', ...(wide ? ['region', 'message'] : [])],
        plan.targets.map((target) => [
          target.namespace,
          targetLabel(target),
          target.awsName,
          target.method ?? '-',
          stateColor(color, target.state),
          ...(wide ? [target.region ?? '', [target.message, specNote(target)].filter(Boolean).join('; ')] : []),
        ]),
      ),
    );
  }
  const methods = plan.methods.map((choice) => `${choice.controller}: ${choice.method ?? 'none'} (${choice.reason})`).join('; ');
  const adoptedResourceOnly = plan.targets.length > 0 && plan.targets.every((target) => target.method === 'adopted-resource');
  const spec = adoptedResourceOnly
    ? 'no spec sent (with AdoptedResource, ACK builds each object from AWS)'
    : plan.spec === 'translate' ? 'spec translated from the old objects' : 'no spec (ACK fills it from AWS)';
  parts.push(
    `Adoption: deletion policy ${color.bold(plan.deletionPolicy)}, ${plan.readOnly ? color.bold('observe-only (read-only)') : color.bold('managed by ACK at once')}, ${spec}; ${methods}\n`,
  );
  const withoutSpec = plan.targets.filter((target) => target.missingSpecFields).length;
  if (withoutSpec > 0) parts.push(`${withoutSpec} ACK object(s) get no spec: their old objects lack fields the ACK CRD requires (-o wide names them)\n`);
  for (const blocker of plan.blockers) parts.push(`${color.red(`blocks ${blocker.step}:`)} ${blocker.message}\n`);
  for (const warning of plan.warnings) parts.push(`${color.yellow('warning:')} ${warning}\n`);
  return parts.join('\n');
}

function specNote(target: PlannedTarget): string {
  return target.missingSpecFields ? `no spec: old object lacks ${target.missingSpecFields.join(', ')}` : '';
}

export function renderOutcomes(outcomes: AdoptOutcome[], color: ChalkInstance): string {
  if (outcomes.length === 0) return 'Nothing to create: every AWS resource already has its ACK object.\n';
  return formatTable(
    ['namespace', 'object', 'result', 'message'],
    outcomes.map((outcome) => [
      outcome.manifest.metadata.namespace ?? '',
      `${outcome.manifest.kind}/${outcome.manifest.metadata.name}`,
      stateColor(color, outcome.result),
      outcome.message ?? '',
    ]),
  );
}

export function renderStatus(report: StatusReport, color: ChalkInstance, wide: boolean): string {
  const rows: string[][] = [];
  for (const row of report.rows) {
    if (row.targets.length === 0) {
      rows.push([row.source, row.oldObject, '-', '', row.note ?? '', ...(wide ? [''] : [])]);
      continue;
    }
    for (const target of row.targets) {
      rows.push([
        row.source,
        row.oldObject,
        `${target.ackKind}/${target.name}`,
        stateColor(color, target.state),
        [target.synced ? `synced=${target.synced}` : '', target.syncError ? color.red('sync-error') : '', target.readOnly ? 'read-only' : ''].filter(Boolean).join(' '),
        ...(wide ? [target.syncError ?? target.message ?? ''] : []),
      ]);
    }
  }
  if (rows.length === 0) return `No old-operator objects and no migrated ACK objects found.\n`;
  const summary = `adopted ${report.summary.adopted}, pending ${report.summary.pending}, failed ${report.summary.failed}, not started ${report.summary['not-started']}\n`;
  const syncNote = report.syncErrors > 0
    ? `${report.syncErrors} adopted resource(s) report a sync error from ACK (adopted all the same; -o wide shows the messages)\n`
    : '';
  return formatTable(['old object', 'old', 'ack object', 'state', 'ack', ...(wide ? ['message'] : [])], rows) + '\n' + summary + syncNote;
}
