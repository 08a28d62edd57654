// What every command does first with its flags, before anything is read: refuse contradictions, compile a --jq
// filter, decide on colour and spinners. Kept apart from session.ts so that `version --client` never loads the
// Kubernetes client.

import { validateJqFilter } from '../ui/jq.ts';
import { createTerminal, type Terminal } from '../ui/terminal.ts';
import { selectedKinds, validateCommon, type CommonArgs } from './flags.ts';

export async function prepare(args: CommonArgs): Promise<Terminal> {
  validateCommon(args);
  selectedKinds(args);
  if (args.jq) {
    args.output = 'json';
    await validateJqFilter(args.jq);
  }
  return createTerminal(args.color);
}
