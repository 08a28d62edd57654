// `plan`: read-only. Shows every old object, the ACK objects that will adopt its AWS resources, and what blocks.

import type { Argv } from 'yargs';
import { buildPlan, mergePlans, type MigrationPlan } from '../core/plan.ts';
import { machineOutput, writePieces } from '../ui/output.ts';
import type { Terminal } from '../ui/terminal.ts';
import { addPlanTables, emptyPlanTables, renderPlan, renderPlanTables } from '../ui/views.ts';
import { planOptionsOf, withAdoptionFlags, withCommonFlags, type AdoptionArgs, type CommonArgs } from './flags.ts';
import { inventoriesFromCluster, inventoryFromFile, prepare, withSession } from './session.ts';

export type PlanArgs = CommonArgs & AdoptionArgs;

export const planCommand = {
  command: 'plan',
  describe: 'Show what adoption and cleanup would do (changes nothing)',
  builder: (yargs: Argv) => withAdoptionFlags(withCommonFlags(yargs)),
  handler: async (argv: unknown) => runPlan(argv as PlanArgs),
};

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
    return renderPlanTables(tables, mergePlans(footers), terminal.color, args.output === 'wide');
  });
}

async function runPlan(args: PlanArgs): Promise<void> {
  const terminal = await prepare(args);
  if (!args.fromFile && (args.output === 'table' || args.output === 'wide')) {
    writePieces(await planTablesFromCluster(args, terminal));
    return;
  }
  const plan = await computePlan(args, terminal);
  const machine = await machineOutput(plan, args.output, args.jq);
  process.stdout.write(machine ?? renderPlan(plan, terminal.color, args.output === 'wide'));
}
