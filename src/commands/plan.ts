// `plan`: read-only. Shows every old object, the ACK objects that will adopt its AWS resources, and what blocks.

import { buildPlan, mergePlans, type MigrationPlan } from '../core/plan/plan.ts';
import { machineOutput, writePieces } from '../ui/output.ts';
import type { Terminal } from '../ui/terminal.ts';
import { addPlanTables, emptyPlanTables, renderPlan, renderPlanTables } from '../ui/views.ts';
import { reportTargetsInAws, type AwsTargetReport } from '../core/discovery/aws-report.ts';
import type { AckControllerInstall } from '../core/discovery/controllers.ts';
import { renderAwsReport } from '../ui/views.ts';
import { planOptionsOf, profilesByAccount, type AdoptionArgs, type AwsArgs, type CommonArgs } from './flags.ts';
import { prepare } from './prepare.ts';
import { inventoriesFromCluster, inventoryFromFile, openAwsReader, withSession } from './session.ts';

export type PlanArgs = CommonArgs & AdoptionArgs & AwsArgs & { aws: boolean };

async function computePlan(args: PlanArgs, terminal: Terminal): Promise<MigrationPlan> {
  if (args.fromFile) return buildPlan(inventoryFromFile(args.fromFile, args), planOptionsOf(args));
  return await withSession(args, terminal, async (session) => {
    const plans: MigrationPlan[] = [];
    for await (const inventory of inventoriesFromCluster(session, args, PLAN_READING(args))) plans.push(buildPlan(inventory, planOptionsOf(args)));
    return mergePlans(plans);
  });
}

/** What plan reads: the old specs when it translates them, and which creates adopt may send. */
const PLAN_READING = (args: PlanArgs) => ({ withSpecs: args.spec === 'translate', createRights: true });

/** The tables of a cluster's plan, made group by group: only their rows are kept, never every group's plan. */
async function planTablesFromCluster(args: PlanArgs, terminal: Terminal): Promise<string[]> {
  return await withSession(args, terminal, async (session) => {
    const tables = emptyPlanTables();
    const footers: MigrationPlan[] = [];
    for await (const inventory of inventoriesFromCluster(session, args, PLAN_READING(args))) {
      const plan = buildPlan(inventory, planOptionsOf(args));
      addPlanTables(tables, plan, terminal.color, args.output === 'wide');
      footers.push({ ...plan, sources: [], targets: [] });
    }
    return renderPlanTables(tables, mergePlans(footers), terminal.color, args.output === 'wide', terminal.stdoutWidth);
  });
}

/** The plan and, for each target, what AWS holds (read only), for --aws. */
async function planWithAws(args: PlanArgs, terminal: Terminal): Promise<{ plan: MigrationPlan; aws: AwsTargetReport[] }> {
  const reader = await openAwsReader(args);
  try {
    const report = async (plan: MigrationPlan, controllers: AckControllerInstall[], client: Parameters<typeof reportTargetsInAws>[1]) =>
      await reportTargetsInAws(plan.targets.map((target) => ({ ackKind: target.ackKind, namespace: target.namespace, name: target.name, identifiers: target.identifiers, region: target.region })), client, { reader, controllers });
    if (args.fromFile) {
      const plan = buildPlan(inventoryFromFile(args.fromFile, args), planOptionsOf(args));
      return { plan, aws: await report(plan, [], undefined) };
    }
    return await withSession(args, terminal, async (session) => {
      const plans: MigrationPlan[] = [];
      let controllers: AckControllerInstall[] = [];
      for await (const inventory of inventoriesFromCluster(session, args, PLAN_READING(args))) {
        controllers = inventory.cluster?.ackControllers ?? controllers;
        plans.push(buildPlan(inventory, planOptionsOf(args)));
      }
      const plan = mergePlans(plans);
      return { plan, aws: await report(plan, controllers, session.client) };
    });
  } finally {
    reader.close();
  }
}

export async function runPlan(args: PlanArgs): Promise<void> {
  profilesByAccount(args);
  const terminal = await prepare(args);
  if (args.aws) {
    const { plan, aws } = await planWithAws(args, terminal);
    const machine = await machineOutput({ ...plan, aws }, args.output, args.jq);
    process.stdout.write(machine ?? `${renderPlan(plan, terminal.color, args.output === 'wide', terminal.stdoutWidth)}${renderAwsReport(aws, terminal.color, terminal.stdoutWidth)}`);
    return;
  }
  if (!args.fromFile && (args.output === 'table' || args.output === 'wide')) {
    writePieces(await planTablesFromCluster(args, terminal));
    return;
  }
  const plan = await computePlan(args, terminal);
  const machine = await machineOutput(plan, args.output, args.jq);
  process.stdout.write(machine ?? renderPlan(plan, terminal.color, args.output === 'wide', terminal.stdoutWidth));
}
