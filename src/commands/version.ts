// `version`: the plugin's version, and unless --client, the API server's and the old and new controllers found.

import { VERSION } from '../version.ts';
import { machineOutput } from '../ui/output.ts';
import type { CommonArgs } from './flags.ts';
import { checkFlags } from './prepare.ts';

export interface VersionArgs extends CommonArgs {
  client: boolean;
}

export async function runVersion(args: VersionArgs): Promise<void> {
  await checkFlags(args);
  const report: Record<string, unknown> = { clientVersion: VERSION };
  const machineOutputWanted = args.output === 'json' || args.output === 'yaml' || args.jq !== undefined;
  // Like kubectl: the client's version first, so that it is there even when the cluster cannot be asked.
  if (!machineOutputWanted) process.stdout.write(`Client Version: ${VERSION}\n`);
  if (!args.client) {
    try {
      await readCluster(args, report);
    } catch (error) {
      if (machineOutputWanted) process.stdout.write((await machineOutput(report, args.output, args.jq)) ?? '');
      throw error;
    }
  }
  const machine = await machineOutput(report, args.output, args.jq);
  if (machine) {
    process.stdout.write(machine);
    return;
  }
  const lines: string[] = [];
  if (report['serverVersion']) lines.push(`Server Version: ${String(report['serverVersion'])}`);
  for (const operator of (report['oldOperators'] as Array<{ deployment: string; image: string; running: boolean }> | undefined) ?? []) {
    lines.push(`Old operator: ${operator.deployment} (${operator.image}) ${operator.running ? 'running' : 'stopped'}`);
  }
  for (const controller of (report['ackControllers'] as Array<{ controller: string; deployment: string; version: string }> | undefined) ?? []) {
    lines.push(`ACK ${controller.controller} controller: ${controller.deployment} ${controller.version}`);
  }
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

/** The cluster's side of the report; loaded only without --client, so `version --client` starts as fast as --help. */
async function readCluster(args: VersionArgs, report: Record<string, unknown>): Promise<void> {
  const [{ createTerminal }, { withSession }, { deploymentFacts }, { findAckControllers, findOldOperators }] = await Promise.all([
    import('../ui/terminal.ts'),
    import('./session.ts'),
    import('../core/discovery/discover.ts'),
    import('../core/discovery/controllers.ts'),
  ]);
  await withSession(args, await createTerminal(args.color), async (session) => {
    report['serverVersion'] = (await session.client.serverVersion()).gitVersion;
    const { deployments, deploymentsKnown } = await deploymentFacts(session.client);
    if (deploymentsKnown) {
      report['oldOperators'] = findOldOperators(deployments).map((o) => ({ deployment: `${o.namespace}/${o.name}`, image: o.image, running: o.running }));
      report['ackControllers'] = findAckControllers(deployments).map((c) => ({ controller: c.controller, deployment: `${c.namespace}/${c.name}`, version: c.version ?? 'unknown' }));
    }
  });
}
