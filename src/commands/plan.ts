// `plan`: read-only. Shows every old object, the ACK objects that will adopt its AWS resources, and what blocks.

import type { Argv } from 'yargs';
import { buildPlan, mergePlans, type MigrationPlan } from '../core/plan.ts';
import { machineOutput } from '../ui/output.ts';
import type { Terminal } from '../ui/terminal.ts';
import { renderPlan } from '../ui/views.ts';
import { planOptionsOf, withAdoptionFlags, withCommonFlags, type AdoptionArgs, type CommonArgs } from './flags.ts';
import { inventoriesFromCluster, inventoryFromFile, prepare, withSession } from './session.ts';

export type PlanArgs = CommonArgs & AdoptionArgs;

export const planCommand = {
  command: 'plan',
  describe: 'Show what adoption and cleanup would do (changes nothing)',
  builder: (yargs: Argv) => withAdoptionFlags(withCommonFlags(yargs)),
  handler: async (argv: unknown) => runPlan(argv as PlanArgs),
};

export async function computePlan(args: PlanArgs, terminal: Terminal): Promise<MigrationPlan> {
  if (args.fromFile) return buildPlan(inventoryFromFile(args.fromFile, args), planOptionsOf(args));
  return await withSession(args, terminal, async (session) => {
    const plans: MigrationPlan[] = [];
    for await (const inventory of inventoriesFromCluster(session, args, { withSpecs: args.spec === 'translate', createRights: true })) plans.push(buildPlan(inventory, planOptionsOf(args)));
    return mergePlans(plans);
  });
}

async function runPlan(args: PlanArgs): Promise<void> {
  const terminal = await prepare(args);
  const plan = await computePlan(args, terminal);
  const machine = await machineOutput(plan, args.output, args.jq);
  process.stdout.write(machine ?? renderPlan(plan, terminal.color, args.output === 'wide'));
}
