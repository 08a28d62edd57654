// Human-readable renderings of plans, adoption outcomes and status reports.

import type { ChalkInstance } from 'chalk';
import type { AdoptionState } from '../core/model/adoption-state.ts';
import type { AdoptOutcome } from '../core/adoption/adopt.ts';
import type { MigrationPlan, PlannedTarget } from '../core/plan/plan.ts';
import type { StatusReport, StatusTarget } from '../core/adoption/status.ts';
import { describeDifference } from '../core/model/aws-drift.ts';
import type { AwsTargetReport } from '../core/discovery/aws-report.ts';
import { formatTable, tableLines } from './table.ts';
import { wrapText } from './wrap.ts';

export function stateColor(color: ChalkInstance, state: AdoptionState | string): string {
  if (state === 'adopted' || state === 'created' || state === 'validated') return color.green(state);
  if (state === 'failed') return color.red(state);
  if (state === 'pending' || state === 'already-exists') return color.yellow(state);
  return state;
}

function targetLabel(target: PlannedTarget): string {
  return `${target.ackKind}/${target.name}`;
}

const STATE_ORDER: AdoptionState[] = ['adopted', 'pending', 'failed', 'not-started'];

/**
 * The default table's summary of several ACK objects: how many are in each state, e.g. `3 adopted` or `2 adopted,
 * 1 pending` (the count is their sum). Their names are long: -o wide lists them.
 */
export function stateCounts(states: AdoptionState[], color: ChalkInstance): string {
  return STATE_ORDER.filter((state) => states.includes(state))
    .map((state) => `${states.filter((candidate) => candidate === state).length} ${stateColor(color, state)}`)
    .join(', ');
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
    const adoptedAs = source.note
      ? color.dim(source.note)
      : wide ? source.targetKeys.map((key) => targetLabel(targets.get(key)!)).join(', ') : stateCounts(source.targetKeys.map((key) => targets.get(key)!.state), color);
    // The phase is the old operator's, which the plan does not act on; it and the role make the table too wide.
    tables.sources.push(wide
      ? [source.namespace, `${source.kind}/${source.name}`, source.phase ?? '', adoptedAs, source.parent ? `${source.role} of ${source.parent}` : source.role]
      : [source.namespace, `${source.kind}/${source.name}`, adoptedAs]);
  }
  for (const target of plan.targets) {
    // The AWS identifiers are as long as the names; the method is the same for a controller's kinds (the footer says it).
    tables.targets.push(wide
      ? [target.namespace, targetLabel(target), target.awsName, target.method ?? '-', stateColor(color, target.state), target.region ?? '', [target.message, specNote(target)].filter(Boolean).join('; ')]
      : [target.namespace, targetLabel(target), stateColor(color, target.state)]);
    if (target.missingSpecFields) tables.withoutSpec += 1;
    if (target.method !== 'adopted-resource') tables.adoptedResourceOnly = false;
  }
}

/** `width`: the terminal's, to wrap free text at; undefined when stdout is not a terminal (nothing wraps). */
export function renderPlan(plan: MigrationPlan, color: ChalkInstance, wide: boolean, width: number | undefined): string {
  const tables = emptyPlanTables();
  addPlanTables(tables, plan, color, wide);
  return renderPlanTables(tables, plan, color, wide, width).join('');
}

/**
 * The tables, then the footer: the adoption choices, blockers and warnings of `plan` (its rows are not read). In
 * pieces, line by line, to be written one after another.
 */
export function renderPlanTables(tables: PlanTables, plan: MigrationPlan, color: ChalkInstance, wide: boolean, width: number | undefined): string[] {
  if (tables.sources.length === 0) return ['No old-operator (sagemaker.aws.amazon.com) objects found.\n'];
  // -o wide keeps one line per row, whatever the terminal: it is the output to search and compare.
  const tableWidth = wide ? {} : { width };
  const pieces = tableLines(wide ? ['namespace', 'old object', 'phase', 'adopted as', 'role'] : ['namespace', 'old object', 'ack objects'], tables.sources, tableWidth);
  if (tables.targets.length > 0) {
    pieces.push('\n');
    const headers = wide ? ['namespace', 'ack object', 'aws resource', 'method', 'state', 'region', 'message'] : ['namespace', 'ack object', 'state'];
    for (const line of tableLines(headers, tables.targets, tableWidth)) pieces.push(line);
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
  for (const part of footer) pieces.push('\n', wrapText(part, width));
  return pieces;
}

function specNote(target: PlannedTarget): string {
  return target.missingSpecFields ? `no spec: old object lacks ${target.missingSpecFields.join(', ')}` : '';
}

export function renderOutcomes(outcomes: Array<{ kind: string; namespace: string | undefined; name: string; result: AdoptOutcome['result']; message?: string }>, color: ChalkInstance): string {
  if (outcomes.length === 0) return 'Nothing to create: every AWS resource already has its ACK object.\n';
  return formatTable(
    ['namespace', 'object', 'result', 'message'],
    outcomes.map((outcome) => [
      outcome.namespace ?? '',
      `${outcome.kind}/${outcome.name}`,
      stateColor(color, outcome.result),
      outcome.message ?? '',
    ]),
  );
}

export function renderStatus(report: StatusReport, color: ChalkInstance, wide: boolean, width: number | undefined): string {
  const rows = wide ? statusRowsPerTarget(report, color) : statusRowsPerOldObject(report, color);
  if (rows.length === 0) return `No old-operator objects and no migrated ACK objects found.\n`;
  const summary = `adopted ${report.summary.adopted}, pending ${report.summary.pending}, failed ${report.summary.failed}, not started ${report.summary['not-started']}\n`;
  const syncNote = report.syncErrors > 0
    ? `${report.syncErrors} adopted resource(s) report a sync error from ACK (adopted all the same; -o wide shows the messages)\n`
    : '';
  // -o wide keeps one line per row, whatever the terminal: it is the output to search and compare.
  const table = wide
    ? formatTable(['old object', 'old', 'ack object', 'state', 'ack', 'message'], rows)
    : formatTable(['old object', 'old', 'ack objects', 'ack'], rows, { width });
  return table + '\n' + wrapText(summary, width) + wrapText(syncNote, width);
}

/** -o wide: a row per ACK object, with its name and the controller's message. */
function statusRowsPerTarget(report: StatusReport, color: ChalkInstance): string[][] {
  const rows: string[][] = [];
  for (const row of report.rows) {
    if (row.targets.length === 0) {
      rows.push([row.source, row.oldObject, '-', '', row.note ?? '', '']);
      continue;
    }
    for (const target of row.targets) {
      rows.push([
        row.source,
        row.oldObject,
        `${target.ackKind}/${target.name}`,
        stateColor(color, target.state),
        [target.synced ? `synced=${target.synced}` : '', target.syncError ? color.red('sync-error') : '', target.readOnly ? 'read-only' : ''].filter(Boolean).join(' '),
        target.syncError ?? target.message ?? '',
      ]);
    }
  }
  return rows;
}

/** The default table: a row per old object, its ACK objects counted by state (their names are in -o wide). */
function statusRowsPerOldObject(report: StatusReport, color: ChalkInstance): string[][] {
  return report.rows.map((row) => row.targets.length === 0
    ? [row.source, row.oldObject, '-', row.note ?? '']
    : [row.source, row.oldObject, stateCounts(row.targets.map((target) => target.state), color), ackFlags(row.targets, color)]);
}

/**
 * What ACK says of an old object's ACK objects that needs attention, in short words: `read-only` (not yet handed
 * over), `not synced`, `sync-error`, each with how many when not all of them, e.g. `1 not synced, 1 sync-error,
 * read-only`. Being synced is the normal state and left to -o wide: the column stays narrow enough to sit beside
 * its row.
 */
export function ackFlags(targets: StatusTarget[], color: ChalkInstance): string {
  const flags: [string, number][] = [
    ['not synced', targets.filter((target) => target.synced === 'False').length],
    ['synced=Unknown', targets.filter((target) => target.synced !== undefined && target.synced !== 'True' && target.synced !== 'False').length],
    [color.red('sync-error'), targets.filter((target) => target.syncError).length],
    ['read-only', targets.filter((target) => target.readOnly).length],
  ];
  return flags.filter(([, count]) => count > 0).map(([flag, count]) => (count === targets.length ? flag : `${count} ${flag}`)).join(', ');
}

/** `plan --aws` and `status --aws`: what AWS holds for each target, and each field ACK would change back. */
export function renderAwsReport(reports: AwsTargetReport[], color: ChalkInstance, width: number | undefined): string {
  if (reports.length === 0) return '';
  const awsColor = (state: AwsTargetReport['aws']): string =>
    state === 'in-aws' ? color.green(state) : state === 'drifted' || state === 'not-in-aws' ? color.red(state) : color.yellow(state);
  const lines = [`\nAWS (read only):\n`, ...tableLines(['namespace', 'ack object', 'region', 'aws', 'detail'], reports.map((report) => [
    report.namespace, `${report.ackKind}/${report.name}`, report.region ?? '', awsColor(report.aws), report.detail,
  ]), { width })];
  for (const report of reports.filter((candidate) => candidate.differences)) {
    lines.push(`${report.namespace}/${report.ackKind}/${report.name}:\n`);
    for (const difference of report.differences!) lines.push(`  ${describeDifference(difference)}\n`);
  }
  return lines.join('');
}
