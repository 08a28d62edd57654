// The flags every command shares, defined once: kubectl's connection and selection flags, output, and adoption choices.

import type { Argv, Options } from 'yargs';
import { UsageError } from '../errors.ts';
import { OLD_KINDS, oldKindByName, type OldKind } from '../core/model/kinds.ts';
import type { MethodRequest } from '../core/model/plan-types.ts';
import type { DeletionPolicy, PlanOptions, SpecMode } from '../core/plan/plan.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../ui/output.ts';
import type { ColorMode } from '../ui/terminal.ts';

export interface CommonArgs {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces: boolean;
  selector?: string;
  kind?: string[];
  output: OutputFormat;
  jq?: string;
  color: ColorMode;
  verbose: number;
  requestTimeout: number;
  /** Objects worked on in parallel, for the commands that take --concurrency. */
  concurrency?: number;
}

export interface AdoptionArgs {
  method: MethodRequest;
  deletionPolicy: DeletionPolicy;
  readOnly: boolean;
  spec: SpecMode;
  includeTuningJobChildren: boolean;
  fromFile?: string;
}

const connection: Record<string, Options> = {
  kubeconfig: { type: 'string', describe: 'path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' },
  context: { type: 'string', describe: 'the kubeconfig context to use' },
  namespace: { alias: 'n', type: 'string', describe: "namespace to work in (default: the context's namespace)" },
  'all-namespaces': { alias: 'A', type: 'boolean', default: false, describe: 'work across all namespaces' },
  selector: { alias: 'l', type: 'string', describe: 'label selector for the old objects, e.g. team=ml' },
  kind: { type: 'string', array: true, describe: `old kinds to include (repeatable): ${OLD_KINDS.map((kind) => kind.kind).join(', ')}` },
  'request-timeout': { type: 'number', default: 60, describe: 'seconds to wait for each API request to be answered (an open watch is not cut by it)' },
};

const presentation: Record<string, Options> = {
  output: { alias: 'o', type: 'string', choices: OUTPUT_FORMATS, default: 'table', describe: 'output format' },
  jq: { type: 'string', describe: 'filter JSON output with a jq expression (implies -o json)' },
  color: {
    type: 'string',
    default: 'auto',
    describe: 'colour: auto|always|never (--no-color = never; NO_COLOR is honoured)',
    coerce: (value: unknown): ColorMode => (value === false ? 'never' : value === true ? 'always' : (value as ColorMode)),
  },
  verbose: { alias: 'v', type: 'count', describe: 'log each API request (-v) and error details' },
};

const adoption: Record<string, Options> = {
  method: { type: 'string', choices: ['auto', 'annotation', 'adopted-resource'], default: 'auto', describe: 'adoption method; auto reads the ACK controller version' },
  'deletion-policy': { type: 'string', choices: ['retain', 'delete'], default: 'retain', describe: 'what ACK does in AWS when an adopted object is deleted' },
  'read-only': { type: 'boolean', default: true, describe: 'observe-only adoption: ACK changes nothing in AWS until `handover` (--no-read-only to manage at once)' },
  spec: {
    type: 'string',
    choices: ['translate', 'omit'],
    default: 'translate',
    describe: 'annotation method: write the old spec translated field by field into the ACK object, or leave spec out (ACK fills it from AWS either way)',
  },
  'include-tuning-job-children': { type: 'boolean', default: false, describe: 'also adopt training jobs spawned by tuning jobs as TrainingJobs' },
  'from-file': { alias: 'f', type: 'string', describe: 'plan offline from a dump (`kubectl get ... -o yaml`), or - for stdin' },
};

/** AWS access, as the AWS CLI takes it; AWS is only read (Describe calls and STS GetCallerIdentity). */
export interface AwsArgs {
  awsProfile?: string;
  awsProfileFor?: string[];
}

const aws: Record<string, Options> = {
  'aws-profile': { type: 'string', describe: 'AWS profile to read AWS with (default: the AWS CLI chain: AWS_PROFILE, environment, SSO, IRSA...)' },
  'aws-profile-for': { type: 'string', array: true, describe: 'ACCOUNT=PROFILE: the profile for resources owned by that account (repeatable; for ACK cross-account mappings)' },
};

export function withAwsFlags(yargs: Argv): Argv {
  return yargs.options(aws).group(Object.keys(aws), 'AWS (read only):') as Argv;
}

/** --aws-profile-for ACCOUNT=PROFILE entries, checked before anything is read. */
export function profilesByAccount(args: AwsArgs): Record<string, string> {
  const profiles: Record<string, string> = {};
  for (const entry of (args.awsProfileFor ?? []).flatMap((value) => value.split(','))) {
    const match = /^\s*(\d{12})=(\S+)\s*$/.exec(entry);
    if (!match) throw new UsageError(`--aws-profile-for takes ACCOUNT=PROFILE with a 12-digit account ID, not "${entry}"`);
    profiles[match[1]!] = match[2]!;
  }
  return profiles;
}

export function withCommonFlags(yargs: Argv): Argv {
  return yargs.options(connection).options(presentation).group(Object.keys(connection), 'Cluster:').group(Object.keys(presentation), 'Output:') as Argv;
}

export function withAdoptionFlags(yargs: Argv): Argv {
  return yargs.options(adoption).group(Object.keys(adoption), 'Adoption:') as Argv;
}

/** Contradictions are refused before any request is sent. */
export function validateCommon(args: CommonArgs): void {
  if (args.allNamespaces && args.namespace) throw new UsageError('--namespace and --all-namespaces cannot be used together');
  if (args.jq && (args.output === 'yaml' || args.output === 'wide')) throw new UsageError('--jq works on JSON output: drop -o yaml/wide');
  if (!Number.isFinite(args.requestTimeout) || args.requestTimeout <= 0) throw new UsageError('--request-timeout must be a positive number of seconds');
}

export function selectedKinds(args: CommonArgs): OldKind[] | undefined {
  if (!args.kind || args.kind.length === 0) return undefined;
  return args.kind.flatMap((entry) => entry.split(',')).map((name) => {
    const kind = oldKindByName(name.trim());
    if (!kind) throw new UsageError(`unknown kind "${name}": use one of ${OLD_KINDS.map((candidate) => candidate.kind).join(', ')}`);
    return kind;
  });
}

export function planOptionsOf(args: AdoptionArgs): PlanOptions {
  return {
    method: args.method,
    deletionPolicy: args.deletionPolicy,
    readOnly: args.readOnly,
    spec: args.spec,
    includeTuningJobChildren: args.includeTuningJobChildren,
  };
}

/** A duration as kubectl takes it: 90s, 10m, 1h (seconds when no unit is given). */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`invalid duration "${text}": use e.g. 90s, 10m or 1h`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * factor;
}
