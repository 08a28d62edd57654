// What every command does first with its flags, before anything is read: refuse contradictions, compile a --jq
// filter, decide on colour and spinners. Kept apart from session.ts so that `version --client` never loads the
// Kubernetes client.

import { validateJqFilter } from '../ui/jq.ts';
import { createTerminal, type Terminal } from '../ui/terminal.ts';
import { selectedKinds, validateCommon, type CommonArgs } from './flags.ts';

/** The checks alone, for a command that prints nothing through the terminal (version --client). */
export async function checkFlags(args: CommonArgs): Promise<void> {
  validateCommon(args);
  selectedKinds(args);
  if (args.jq) {
    args.output = 'json';
    await validateJqFilter(args.jq);
  }
}

export async function prepare(args: CommonArgs): Promise<Terminal> {
  await checkFlags(args);
  return await createTerminal(args.color, process.env, { machineOutput: args.output === 'json' || args.output === 'yaml' });
}
