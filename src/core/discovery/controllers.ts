// Recognises the old operator and the ACK controllers among a cluster's Deployments (pure), by image, name and args.

import type { AckController } from '../model/ack-kinds.ts';

/** The facts read off one Deployment and its pods. */
export interface DeploymentFacts {
  namespace: string;
  name: string;
  containers: Array<{ name: string; image: string; args: string[]; env: Record<string, string> }>;
  replicas: number;
  /** Pods of this Deployment that are not Succeeded or Failed, terminating ones included: they can still act. */
  livePods: number;
  /** False when pods could not be listed (no rights); then only replicas count. */
  podsKnown: boolean;
}

export interface OldOperatorInstall {
  namespace: string;
  name: string;
  image: string;
  /** The namespace it watches, or undefined for a cluster-wide install. */
  watchedNamespace: string | undefined;
  running: boolean;
  /** Why it counts as running or stopped, for messages. */
  state: string;
}

export interface AckControllerInstall {
  controller: AckController;
  namespace: string;
  name: string;
  image: string;
  version: string | undefined;
  featureGates: Record<string, boolean>;
  running: boolean;
  /** Why it counts as running or stopped, for messages. */
  state: string;
  /** --watch-namespace: the namespaces it reconciles, or undefined for all. */
  watchNamespaces: string[] | undefined;
  /** --watch-selectors: a label selector an object must match to be reconciled at all. */
  watchSelectors: string | undefined;
  /** --reconcile-resources: the kinds it reconciles, or undefined for all. */
  reconcileResources: string[] | undefined;
  /** AWS_CA_BUNDLE in its environment. */
  caBundle: boolean;
  /** --aws-region (or AWS_REGION): where it looks for a resource whose object names no region. */
  awsRegion?: string | undefined;
}

const OLD_OPERATOR_IMAGE = /(^|\/)amazon-sagemaker-operator-for-k8s$/;
const OLD_OPERATOR_DEPLOYMENT = 'sagemaker-k8s-operator-controller-manager';
const ACK_IMAGES: Record<AckController, RegExp> = {
  sagemaker: /(^|\/)sagemaker-controller$/,
  applicationautoscaling: /(^|\/)applicationautoscaling-controller$/,
};

export function parseImage(image: string): { repository: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > lastSlash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: undefined };
}

function runningState(deployment: DeploymentFacts): { running: boolean; state: string } {
  if (deployment.livePods > 0) return { running: true, state: `${deployment.livePods} pod(s) alive` };
  if (deployment.replicas > 0) return { running: true, state: `scaled to ${deployment.replicas} replica(s)` };
  if (!deployment.podsKnown) return { running: true, state: 'scaled to 0, but its pods could not be listed' };
  return { running: false, state: 'scaled to 0 with no pods' };
}

export function findOldOperators(deployments: DeploymentFacts[]): OldOperatorInstall[] {
  const installs: OldOperatorInstall[] = [];
  for (const deployment of deployments) {
    const manager =
      deployment.containers.find((container) => OLD_OPERATOR_IMAGE.test(parseImage(container.image).repository)) ??
      (deployment.name === OLD_OPERATOR_DEPLOYMENT ? deployment.containers.find((container) => container.name === 'manager') : undefined);
    if (!manager) continue;
    const namespaceArg = manager.args.find((arg) => arg.startsWith('--namespace='))?.slice('--namespace='.length);
    installs.push({
      namespace: deployment.namespace,
      name: deployment.name,
      image: manager.image,
      watchedNamespace: namespaceArg || undefined,
      ...runningState(deployment),
    });
  }
  return installs;
}

export function findAckControllers(deployments: DeploymentFacts[]): AckControllerInstall[] {
  const installs: AckControllerInstall[] = [];
  for (const deployment of deployments) {
    for (const [controller, pattern] of Object.entries(ACK_IMAGES) as Array<[AckController, RegExp]>) {
      const container = deployment.containers.find((candidate) => pattern.test(parseImage(candidate.image).repository));
      if (!container) continue;
      const flags = parseFlags(container.args, container.env);
      const list = (flag: string): string[] | undefined => {
        const values = (flags.get(flag) ?? '').split(',').map((value) => value.trim()).filter(Boolean);
        return values.length > 0 ? values : undefined;
      };
      installs.push({
        controller,
        namespace: deployment.namespace,
        name: deployment.name,
        image: container.image,
        version: normalizeVersion(parseImage(container.image).tag),
        featureGates: parseFeatureGates(flags.get('feature-gates') ?? container.env['FEATURE_GATES'] ?? ''),
        ...runningState(deployment),
        watchNamespaces: list('watch-namespace'),
        watchSelectors: flags.get('watch-selectors') || undefined,
        reconcileResources: list('reconcile-resources'),
        caBundle: (container.env['AWS_CA_BUNDLE'] ?? '') !== '',
        awsRegion: flags.get('aws-region') || container.env['AWS_REGION'] || undefined,
      });
    }
  }
  return installs;
}

/**
 * The controller's flags as its process sees them: `--flag=value` or `--flag value` (the Helm charts' form, with
 * `$(VAR)` taken from the container's environment as the kubelet expands it), `--flag` alone for booleans.
 */
export function parseFlags(args: string[], env: Record<string, string>): Map<string, string> {
  const expand = (text: string): string => text.replace(/\$\((\w+)\)/g, (reference, name: string) => env[name] ?? reference);
  const flags = new Map<string, string>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) continue;
    const equals = arg.indexOf('=');
    if (equals > 0) {
      flags.set(arg.slice(2, equals), expand(arg.slice(equals + 1)));
      continue;
    }
    const next = args[index + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(arg.slice(2), expand(next));
      index += 1;
    } else {
      flags.set(arg.slice(2), 'true');
    }
  }
  return flags;
}

/** Old operators that can still act on objects in this namespace. */
export function operatorsActingOn(namespace: string, operators: OldOperatorInstall[]): OldOperatorInstall[] {
  return operators.filter((operator) => operator.running && (operator.watchedNamespace === undefined || operator.watchedNamespace === namespace));
}

function normalizeVersion(tag: string | undefined): string | undefined {
  const match = tag ? /^v?(\d+\.\d+\.\d+)/.exec(tag) : null;
  return match?.[1];
}

function parseFeatureGates(text: string): Record<string, boolean> {
  const gates: Record<string, boolean> = {};
  for (const entry of text.split(',')) {
    const [name, value] = entry.split('=');
    if (name && value !== undefined) gates[name.trim()] = value.trim().toLowerCase() === 'true';
  }
  return gates;
}
