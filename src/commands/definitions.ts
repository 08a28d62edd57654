// What yargs needs of each command to parse its flags and print its help: name, description and flags. Each handler
// loads its command's module only when the command runs, so `--help`, `version --client` and `completion` never
// evaluate the planner, the Kubernetes client or the terminal libraries the other commands need.

import type { Argv } from 'yargs';
import { withAdoptionFlags, withAwsFlags, withCommonFlags } from './flags.ts';
import type { AdoptArgs } from './adopt.ts';
import type { CleanupArgs } from './cleanup.ts';
import type { HandoverArgs } from './handover.ts';
import type { PlanArgs } from './plan.ts';
import type { StatusArgs } from './status.ts';
import type { StopOperatorArgs } from './stop-operator.ts';
import type { UndoArgs } from './undo.ts';
import type { VersionArgs } from './version.ts';

export const planCommand = {
  command: 'plan',
  describe: 'Show what adoption and cleanup would do (changes nothing)',
  builder: (yargs: Argv) =>
    withAwsFlags(withAdoptionFlags(withCommonFlags(yargs))).options({
      aws: { type: 'boolean', default: false, describe: 'also read AWS: whether each resource exists where ACK will look, and whether adopted ones drifted since adoption' },
    }),
  handler: async (argv: unknown) => (await import('./plan.ts')).runPlan(argv as PlanArgs),
};

export const adoptCommand = {
  command: 'adopt',
  describe: 'Create the ACK objects that adopt each AWS resource (idempotent)',
  builder: (yargs: Argv) =>
    withAdoptionFlags(withCommonFlags(yargs)).options({
      'dry-run': {
        type: 'string',
        choices: ['none', 'client', 'server'],
        default: 'none',
        coerce: (value: unknown) => (value === '' || value === true ? 'client' : value),
        describe: 'client: print the manifests; server: validate them with the API server; nothing is stored',
      },
      wait: { type: 'boolean', default: false, describe: 'watch until every resource is adopted or failed' },
      timeout: { type: 'string', default: '10m', describe: 'how long --wait waits (e.g. 90s, 10m)' },
      concurrency: { type: 'number', default: 8, describe: 'creates sent in parallel' },
    }),
  handler: async (argv: unknown) => (await import('./adopt.ts')).runAdopt(argv as AdoptArgs),
};

export const statusCommand = {
  command: 'status',
  describe: 'Show adoption progress of every old object (exit 6 when anything failed)',
  builder: (yargs: Argv) =>
    withAwsFlags(withCommonFlags(yargs)).options({
      aws: { type: 'boolean', default: false, describe: 'also read AWS: whether each ACK object\'s resource exists, and whether it drifted since adoption (handover would revert it)' },
    }),
  handler: async (argv: unknown) => (await import('./status.ts')).runStatus(argv as StatusArgs),
};

export const stopOperatorCommand = {
  command: 'stop-operator',
  describe: "Scale the old operator's Deployments to 0 and wait for its pods to end (--restore puts them back)",
  builder: (yargs: Argv) =>
    withCommonFlags(yargs).options({
      yes: { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation (needed without a terminal)' },
      'dry-run': { type: 'boolean', default: false, describe: 'show what would be scaled; change nothing' },
      restore: { type: 'boolean', default: false, describe: 'put back the replicas stop-operator recorded' },
      timeout: { type: 'string', default: '2m', describe: "how long to wait for the operator's pods to end (e.g. 90s, 5m)" },
    }),
  handler: async (argv: unknown) => (await import('./stop-operator.ts')).runStopOperator(argv as StopOperatorArgs),
};

export const cleanupCommand = {
  command: 'cleanup',
  describe: 'Remove old objects whose AWS resources ACK has adopted (backs up first; refuses while the old operator runs)',
  builder: (yargs: Argv) =>
    withAwsFlags(withCommonFlags(yargs)).options({
      yes: { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation (needed without a terminal)' },
      'refresh-spec': { type: 'boolean', default: false, describe: "first write AWS's current values into ACK specs that went stale since adoption (else their old objects are kept)" },
      'skip-aws-check': { type: 'boolean', default: false, describe: 'do not compare the adopted resources with AWS first (a vanished or drifted resource is then not caught)' },
      'dry-run': { type: 'boolean', default: false, describe: 'show what would be removed; change nothing' },
      force: { type: 'boolean', default: false, describe: 'also remove objects whose AWS resources are NOT adopted (never overrides a running old operator)' },
      'include-unadopted-finished-jobs': { type: 'boolean', default: false, describe: 'also remove Completed, Failed or Stopped jobs that were not adopted' },
      'backup-dir': { type: 'string', describe: 'where each object is saved before it changes (default ./sagemaker-migrate-backup/<context>-<time>)' },
      concurrency: { type: 'number', default: 8, describe: 'objects processed in parallel' },
      'delete-crds': { type: 'boolean', default: false, describe: "last step: delete the old operator's CRDs once no object of theirs remains anywhere" },
    }),
  handler: async (argv: unknown) => (await import('./cleanup.ts')).runCleanupCommand(argv as CleanupArgs),
};

export const handoverCommand = {
  command: 'handover',
  describe: 'After cleanup, let ACK manage the adopted resources (removes observe-only) where AWS matches their spec',
  builder: (yargs: Argv) =>
    withAwsFlags(withCommonFlags(yargs)).options({
      yes: { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation' },
      'dry-run': { type: 'boolean', default: false, describe: 'show what would be handed over; change nothing' },
      'deletion-policy': { type: 'string', choices: ['retain', 'delete'], describe: 'also set the deletion policy ACK applies from now on' },
      'refresh-spec': { type: 'boolean', default: false, describe: "write AWS's current values into the spec of objects whose AWS resource changed since adoption, then release them" },
      'skip-aws-check': { type: 'boolean', default: false, describe: 'release without comparing with AWS (a rollback by ACK is then not ruled out)' },
    }),
  handler: async (argv: unknown) => (await import('./handover.ts')).runHandover(argv as HandoverArgs),
};

export const undoCommand = {
  command: 'undo',
  describe: 'Go back after adopt: remove the ACK objects this tool made (retain and read-only first; AWS untouched)',
  builder: (yargs: Argv) =>
    withCommonFlags(yargs).options({
      yes: { alias: 'y', type: 'boolean', default: false, describe: 'do not ask for confirmation (needed without a terminal)' },
      'dry-run': { type: 'boolean', default: false, describe: 'show what would be removed; change nothing' },
      force: { type: 'boolean', default: false, describe: "when the ACK controller is not running, remove ACK's finalizer here (nothing can call AWS then)" },
      timeout: { type: 'string', default: '2m', describe: 'how long to wait for each object to be gone (e.g. 90s, 5m)' },
      concurrency: { type: 'number', default: 8, describe: 'objects processed in parallel' },
    }),
  handler: async (argv: unknown) => (await import('./undo.ts')).runUndo(argv as UndoArgs),
};

export const versionCommand = {
  command: 'version',
  describe: 'Print the plugin version and, unless --client, what runs in the cluster',
  builder: (yargs: Argv) => withCommonFlags(yargs).option('client', { type: 'boolean', default: false, describe: 'print only the plugin version' }),
  handler: async (argv: unknown) => (await import('./version.ts')).runVersion(argv as VersionArgs),
};
