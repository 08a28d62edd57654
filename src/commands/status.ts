// `status`: every old object and its targets (adopted / pending / failed), ACK sync state, and whether the old
// object is still there. Exits non-zero when anything failed.

import { PartialFailure } from '../errors.ts';
import { buildPlan, REPORT_PLAN_OPTIONS } from '../core/plan/plan.ts';
import { addCounts, buildStatus, emptySummary, type StatusReport } from '../core/adoption/status.ts';
import { jsonArrayItems, jsonPiecesWithArrayParts, machineOutput, writePieces } from '../ui/output.ts';
import { renderStatus } from '../ui/views.ts';
import { reportTargetsInAws, type AwsTargetReport, type TargetToReport } from '../core/discovery/aws-report.ts';
import type { AckKindName } from '../core/model/ack-kinds.ts';
import type { AckControllerInstall } from '../core/discovery/controllers.ts';
import { renderAwsReport } from '../ui/views.ts';
import { profilesByAccount, type AwsArgs, type CommonArgs } from './flags.ts';
import { prepare } from './prepare.ts';
import { inventoriesFromCluster, openAwsReader, withSession } from './session.ts';

export type StatusArgs = CommonArgs & AwsArgs & { aws: boolean };

export async function runStatus(args: StatusArgs): Promise<void> {
  profilesByAccount(args);
  const terminal = await prepare(args);
  // Plain JSON is made group by group as text, so that no more than one group's rows are held as objects.
  const jsonParts = args.output === 'json' && !args.jq && !args.aws ? [] as string[] : undefined;
  let aws: AwsTargetReport[] | undefined;
  const report = await withSession(args, terminal, async (session) => {
    const total: StatusReport = { rows: [], ...emptySummary() };
    let controllers: AckControllerInstall[] = [];
    for await (const inventory of inventoriesFromCluster(session, args)) {
      controllers = inventory.cluster?.ackControllers ?? controllers;
      const part = buildStatus(buildPlan(inventory, REPORT_PLAN_OPTIONS), inventory);
      addCounts(total, part);
      if (jsonParts) jsonParts.push(jsonArrayItems(part.rows));
      else for (const row of part.rows) total.rows.push(row);
    }
    if (args.aws) aws = await awsOfStatus(args, total, controllers, session.client);
    return total;
  });
  if (jsonParts) {
    writePieces(jsonPiecesWithArrayParts('rows', jsonParts, { summary: report.summary, syncErrors: report.syncErrors }));
  } else {
    const machine = await machineOutput(aws ? { ...report, aws } : report, args.output, args.jq);
    process.stdout.write(machine ?? `${renderStatus(report, terminal.color, args.output === 'wide', terminal.stdoutWidth)}${aws ? renderAwsReport(aws, terminal.color, terminal.stdoutWidth) : ''}`);
  }
  if (report.summary.failed > 0) throw new PartialFailure(`${report.summary.failed} AWS resource(s) failed to adopt: run with -o wide to see the controller's messages`);
}

/** For --aws: each ACK object of the report that exists, compared with AWS. */
async function awsOfStatus(args: StatusArgs, report: StatusReport, controllers: AckControllerInstall[], client: Parameters<typeof reportTargetsInAws>[1]): Promise<AwsTargetReport[]> {
  const targets = new Map<string, TargetToReport>();
  for (const target of report.rows.flatMap((row) => row.targets)) {
    if (target.state === 'not-started') continue;
    targets.set(`${target.ackKind}|${target.namespace}|${target.name}`, { ackKind: target.ackKind as AckKindName, namespace: target.namespace, name: target.name });
  }
  const reader = await openAwsReader(args);
  try {
    return await reportTargetsInAws([...targets.values()], client, { reader, controllers });
  } finally {
    reader.close();
  }
}
