// Human-readable renderings of plans, adoption outcomes and status reports.

import type { ChalkInstance } from 'chalk';
import type { AdoptionState } from '../core/adoption-state.ts';
import type { AdoptOutcome } from '../core/adopt.ts';
import type { MigrationPlan, PlannedTarget } from '../core/plan.ts';
import type { StatusReport } from '../core/status.ts';
import { describeDifference } from '../core/aws-drift.ts';
import type { AwsTargetReport } from '../core/aws-report.ts';
import { formatTable, tableLines } from './table.ts';

export function stateColor(color: ChalkInstance, state: AdoptionState | string): string {
  if (state === 'adopted' || state === 'created' || state === 'validated') return color.green(state);
  if (state === 'failed') return color.red(state);
  if (state === 'pending' || state === 'already-exists') return color.yellow(state);
  return state;
}

function targetLabel(target: PlannedTarget): string {
  return `${target.ackKind}/${target.name}`;
}

/** The rows of a plan's two tables, and what its footer says of its targets; added up group by group for -A. */
export interface PlanTables {
  sources: string[][];
  targets: string[][];
  /** Targets that get no spec (missing required fields). */
  withoutSpec: number;
  /** Whether every target is adopted through an AdoptedResource. */
  adoptedResourceOnly: boolean;
}

export function emptyPlanTables(): PlanTables {
  return { sources: [], targets: [], withoutSpec: 0, adoptedResourceOnly: true };
}

/** Adds a plan's rows; the plan itself need not be kept. */
export function addPlanTables(tables: PlanTables, plan: MigrationPlan, color: ChalkInstance, wide: boolean): void {
  const targets = new Map(plan.targets.map((target) => [target.key, target]));
  for (const source of plan.sources) {
    tables.sources.push([
      source.namespace,
      `${source.kind}/${source.name}`,
      source.phase ?? '',
      source.note ? color.dim(source.note) : source.targetKeys.map((key) => targetLabel(targets.get(key)!)).join(', '),
      ...(wide ? [source.parent ? `${source.role} of ${source.parent}` : source.role] : []),
    ]);
  }
  for (const target of plan.targets) {
    tables.targets.push([
      target.namespace,
      targetLabel(target),
      target.awsName,
      target.method ?? '-',
      stateColor(color, target.state),
      ...(wide ? [target.region ?? '', [target.message, specNote(target)].filter(Boolean).join('; ')] : []),
    ]);
    if (target.missingSpecFields) tables.withoutSpec += 1;
    if (target.method !== 'adopted-resource') tables.adoptedResourceOnly = false;
  }
}

export function renderPlan(plan: MigrationPlan, color: ChalkInstance, wide: boolean): string {
  const tables = emptyPlanTables();
  addPlanTables(tables, plan, color, wide);
  return renderPlanTables(tables, plan, color, wide).join('');
}

/**
 * The tables, then the footer: the adoption choices, blockers and warnings of `plan` (its rows are not read). In
 * pieces, line by line, to be written one after another.
 */
export function renderPlanTables(tables: PlanTables, plan: MigrationPlan, color: ChalkInstance, wide: boolean): string[] {
  if (tables.sources.length === 0) return ['No old-operator (sagemaker.aws.amazon.com) objects found.\n'];
  const pieces = tableLines(['namespace', 'old object', 'phase', 'adopted as', ...(wide ? ['role'] : [])], tables.sources);
  if (tables.targets.length > 0) {
    pieces.push('\n');
    for (const line of tableLines(['namespace', 'ack object', 'aws resource', 'method', 'state', ...(wide ? ['region', 'message'] : [])], tables.targets)) pieces.push(line);
  }
  const methods = plan.methods.map((choice) => `${choice.controller}: ${choice.method ?? 'none'} (${choice.reason})`).join('; ');
  const adoptedResourceOnly = tables.targets.length > 0 && tables.adoptedResourceOnly;
  const spec = adoptedResourceOnly
    ? 'no spec sent (with AdoptedResource, ACK builds each object from AWS)'
    : plan.spec === 'translate' ? 'spec translated from the old objects' : 'no spec (ACK fills it from AWS)';
  const footer = [
    `Adoption: deletion policy ${color.bold(plan.deletionPolicy)}, ${plan.readOnly ? color.bold('observe-only (read-only)') : color.bold('managed by ACK at once')}, ${spec}; ${methods}\n`,
  ];
  if (tables.withoutSpec > 0) footer.push(`${tables.withoutSpec} ACK object(s) get no spec: their old objects lack fields the ACK CRD requires (-o wide names them)\n`);
  for (const blocker of plan.blockers) footer.push(`${color.red(`blocks ${blocker.step}:`)} ${blocker.message}\n`);
  for (const warning of plan.warnings) footer.push(`${color.yellow('warning:')} ${warning}\n`);
  for (const part of footer) pieces.push('\n', part);
  return pieces;
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

/** `plan --aws` and `status --aws`: what AWS holds for each target, and each field ACK would change back. */
export function renderAwsReport(reports: AwsTargetReport[], color: ChalkInstance): string {
  if (reports.length === 0) return '';
  const awsColor = (state: AwsTargetReport['aws']): string =>
    state === 'in-aws' ? color.green(state) : state === 'drifted' || state === 'not-in-aws' ? color.red(state) : color.yellow(state);
  const lines = [`\nAWS (read only):\n`, ...tableLines(['namespace', 'ack object', 'region', 'aws', 'detail'], reports.map((report) => [
    report.namespace, `${report.ackKind}/${report.name}`, report.region ?? '', awsColor(report.aws), report.detail,
  ]))];
  for (const report of reports.filter((candidate) => candidate.differences)) {
    lines.push(`${report.namespace}/${report.ackKind}/${report.name}:\n`);
    for (const difference of report.differences!) lines.push(`  ${describeDifference(difference)}\n`);
  }
  return lines.join('');
}
