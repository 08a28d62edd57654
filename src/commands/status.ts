// `status`: every old object and its targets (adopted / pending / failed), ACK sync state, and whether the old
// object is still there. Exits non-zero when anything failed.

import type { Argv } from 'yargs';
import { PartialFailure } from '../errors.ts';
import { buildPlan, REPORT_PLAN_OPTIONS } from '../core/plan.ts';
import { addCounts, buildStatus, emptySummary, type StatusReport } from '../core/status.ts';
import { jsonArrayItems, jsonPiecesWithArrayParts, machineOutput, writePieces } from '../ui/output.ts';
import { renderStatus } from '../ui/views.ts';
import { withCommonFlags, type CommonArgs } from './flags.ts';
import { inventoriesFromCluster, prepare, withSession } from './session.ts';

export const statusCommand = {
  command: 'status',
  describe: 'Show adoption progress of every old object (exit 6 when anything failed)',
  builder: (yargs: Argv) => withCommonFlags(yargs),
  handler: async (argv: unknown) => runStatus(argv as CommonArgs),
};

async function runStatus(args: CommonArgs): Promise<void> {
  const terminal = await prepare(args);
  // Plain JSON is made group by group as text, so that no more than one group's rows are held as objects.
  const jsonParts = args.output === 'json' && !args.jq ? [] as string[] : undefined;
  const report = await withSession(args, terminal, async (session) => {
    const total: StatusReport = { rows: [], ...emptySummary() };
    for await (const inventory of inventoriesFromCluster(session, args)) {
      const part = buildStatus(buildPlan(inventory, REPORT_PLAN_OPTIONS), inventory);
      addCounts(total, part);
      if (jsonParts) jsonParts.push(jsonArrayItems(part.rows));
      else for (const row of part.rows) total.rows.push(row);
    }
    return total;
  });
  if (jsonParts) {
    writePieces(jsonPiecesWithArrayParts('rows', jsonParts, { summary: report.summary, syncErrors: report.syncErrors }));
  } else {
    const machine = await machineOutput(report, args.output, args.jq);
    process.stdout.write(machine ?? renderStatus(report, terminal.color, args.output === 'wide'));
  }
  if (report.summary.failed > 0) throw new PartialFailure(`${report.summary.failed} AWS resource(s) failed to adopt: run with -o wide to see the controller's messages`);
}
