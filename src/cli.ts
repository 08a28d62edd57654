// Wires the subcommands into yargs and is the only place that turns errors into output and an exit status.

import yargs from 'yargs';
import { ExitCode, exitCodeOf, MigrateError, UsageError } from './errors.ts';
import { VERSION } from './version.ts';
import { adoptCommand, cleanupCommand, handoverCommand, planCommand, statusCommand, stopOperatorCommand, undoCommand, versionCommand } from './commands/definitions.ts';
import { completeCommand, completionCommand } from './commands/completion.ts';

/** Usage says `kubectl sagemaker-migrate` when kubectl runs us as a plugin (argv[0] is kubectl-sagemaker_migrate). */
export function commandName(argv1: string | undefined): string {
  return argv1 && /kubectl-sagemaker_migrate(\.js)?$/.test(argv1) ? 'kubectl sagemaker-migrate' : 'kubectl-sagemaker_migrate';
}

/** yargs reads a lone `-` as a positional; `--from-file -` (stdin) must reach the flag. */
function attachStdinValue(args: string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if ((arg === '--from-file' || arg === '-f') && args[index + 1] === '-') {
      result.push(`${arg}=-`);
      index += 1;
    } else {
      result.push(arg);
    }
  }
  return result;
}

export async function run(rawArgs: string[], argv1: string | undefined): Promise<number> {
  const args = attachStdinValue(rawArgs);
  const verbose = args.some((arg) => /^(-v+|--verbose)$/.test(arg));
  try {
    await yargs(args)
      .scriptName(commandName(argv1))
      .usage('$0 <command> [flags]\n\nMove SageMaker Operators for Kubernetes objects to the ACK controllers, safely.')
      .command(planCommand)
      .command(adoptCommand)
      .command(statusCommand)
      .command(stopOperatorCommand)
      .command(cleanupCommand)
      .command(handoverCommand)
      .command(undoCommand)
      .command(versionCommand)
      .command(completionCommand)
      .command(completeCommand)
      .demandCommand(1, 'name a command: plan, adopt, status, stop-operator, cleanup, handover, undo, version or completion')
      .strict()
      .version(VERSION)
      .help()
      .alias('h', 'help')
      .wrap(Math.min(120, process.stdout.columns || 100))
      .fail((message, error) => {
        if (error) throw error;
        throw new UsageError(message ?? 'invalid arguments');
      })
      .parseAsync();
    return ExitCode.ok;
  } catch (error) {
    return report(error, verbose);
  }
}

function report(error: unknown, verbose: boolean): number {
  if (error instanceof MigrateError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error instanceof UsageError && !verbose) process.stderr.write(`Run with --help for usage.\n`);
    if (verbose && error.details) process.stderr.write(`${error.details}\n`);
  } else {
    const unexpected = error as Error;
    process.stderr.write(`error: unexpected failure, this is a bug: ${unexpected.message}\n`);
    if (verbose) process.stderr.write(`${unexpected.stack ?? ''}\n`);
  }
  return exitCodeOf(error);
}
