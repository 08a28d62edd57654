// `status`: every old object and its targets (adopted / pending / failed), ACK sync state, and whether the old
// object is still there. Exits non-zero when anything failed.

import type { Argv } from 'yargs';
import { PartialFailure } from '../errors.ts';
import { buildPlan, REPORT_PLAN_OPTIONS } from '../core/plan.ts';
import { buildStatus } from '../core/status.ts';
import { machineOutput } from '../ui/output.ts';
import { renderStatus } from '../ui/views.ts';
import { withCommonFlags, type CommonArgs } from './flags.ts';
import { inventoryFromCluster, prepare, withSession } from './session.ts';

export const statusCommand = {
  command: 'status',
  describe: 'Show adoption progress of every old object (exit 6 when anything failed)',
  builder: (yargs: Argv) => withCommonFlags(yargs),
  handler: async (argv: unknown) => runStatus(argv as CommonArgs),
};

async function runStatus(args: CommonArgs): Promise<void> {
  const terminal = await prepare(args);
  const report = await withSession(args, terminal, async (session) => {
    const inventory = await inventoryFromCluster(session, args);
    const plan = buildPlan(inventory, REPORT_PLAN_OPTIONS);
    return buildStatus(plan, inventory);
  });
  const machine = await machineOutput(report, args.output, args.jq);
  process.stdout.write(machine ?? renderStatus(report, terminal.color, args.output === 'wide'));
  if (report.summary.failed > 0) throw new PartialFailure(`${report.summary.failed} AWS resource(s) failed to adopt: run with -o wide to see the controller's messages`);
}
