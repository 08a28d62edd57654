// `handover`: after cleanup, lets ACK manage the adopted AWS resources (removes observe-only from its objects).

import type { Argv } from 'yargs';
import { MigrateError, PartialFailure } from '../errors.ts';
import { decideHandover, handOver } from '../core/handover.ts';
import type { DeletionPolicy } from '../core/plan.ts';
import { machineOutput } from '../ui/output.ts';
import { confirmOrRefuse } from '../ui/prompt.ts';
import { formatTable } from '../ui/table.ts';
import { withCommonFlags, type CommonArgs } from './flags.ts';
import { inventoryFromCluster, prepare, withSession } from './session.ts';

interface HandoverArgs extends CommonArgs {
  yes: boolean;
  dryRun: boolean;
  deletionPolicy?: DeletionPolicy;
}

export const handoverCommand = {
  command: 'handover',
  describe: 'After cleanup, let ACK manage the adopted resources (removes observe-only)',
  builder: (yargs: Argv) =>
    withCommonFlags(yargs).options({
      yes: { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation' },
      'dry-run': { type: 'boolean', default: false, describe: 'show what would be handed over; change nothing' },
      'deletion-policy': { type: 'string', choices: ['retain', 'delete'], describe: 'also set the deletion policy ACK applies from now on' },
    }),
  handler: async (argv: unknown) => runHandover(argv as HandoverArgs),
};

async function runHandover(args: HandoverArgs): Promise<void> {
  const terminal = await prepare(args);
  await withSession(args, terminal, async (session) => {
    const { items, warnings } = decideHandover(await inventoryFromCluster(session, args, { oldObjectsEverywhere: true }));
    for (const warning of warnings) terminal.warn(warning);
    const ready = items.filter((item) => item.action === 'hand-over');
    if (items.length > 0) {
      terminal.info(formatTable(['namespace', 'ack object', 'action', 'reason'], items.map((item) => [
        item.object.metadata.namespace ?? '', `${item.object.kind}/${item.object.metadata.name}`, item.action, item.reason,
      ])).trimEnd());
    }
    if (args.dryRun || ready.length === 0) {
      terminal.info(args.dryRun ? `dry run: ${ready.length} object(s) would be handed over; nothing was changed` : 'nothing to hand over');
    } else {
      await confirmOrRefuse(terminal, args.yes, 'hand over', `Let ACK manage ${ready.length} AWS resource(s)? ACK will then change AWS to match each object's spec.`);
      const failures: string[] = [];
      for (const item of ready) {
        try {
          await handOver(item, session.client, args.deletionPolicy);
        } catch (error) {
          if (!(error instanceof MigrateError)) throw error;
          failures.push(`${item.object.kind}/${item.object.metadata.name}: ${error.message}`);
        }
      }
      // ACK reconciles on spec changes only; an annotation change takes effect at its next periodic resync.
      terminal.info(`handed over ${ready.length - failures.length}; ACK applies it at its next resync of each object`);
      if (failures.length > 0) throw new PartialFailure(`${failures.length} object(s) could not be handed over: ${failures.join('; ')}`);
    }
    const machine = await machineOutput({ items: items.map((item) => ({ kind: item.object.kind, namespace: item.object.metadata.namespace, name: item.object.metadata.name, action: item.action, reason: item.reason })) }, args.output, args.jq);
    if (machine) process.stdout.write(machine);
  });
}
