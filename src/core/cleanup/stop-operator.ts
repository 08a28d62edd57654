// Stops the old operator the safe way, before cleanup: each of its Deployments scaled to 0 (the replicas it had kept
// in an annotation on it, for --restore), never its CRDs, namespace or anything else. The AWS guide's way (delete
// every SageMaker object first, then `kubectl delete -f installer.yaml`) deletes in AWS while the operator runs.

import type { KubeClient } from '../../kube/client.ts';
import { isNotFound } from '../../kube/errors.ts';
import { BUILTIN_TYPES, stringAt, type KubeObject } from '../../kube/objects.ts';
import { ForbiddenError } from '../../errors.ts';
import { findOldOperators } from '../discovery/controllers.ts';
import { deploymentFacts } from '../discovery/discover.ts';
import { ownersOf } from '../model/ownership.ts';

/** Where stop-operator keeps the replicas a Deployment had, so that --restore can put them back. */
export const PREVIOUS_REPLICAS_ANNOTATION = 'kubectl-sagemaker-migrate/previous-replicas';

export interface OperatorDeployment {
  namespace: string;
  name: string;
  replicas: number;
  /** The replicas recorded by an earlier stop-operator, when it ran. */
  previousReplicas: number | undefined;
  /** The namespace it watches, or undefined for a cluster-wide install. */
  watchedNamespace: string | undefined;
  /** What would scale it back up: a Helm release, a GitOps tool, a HorizontalPodAutoscaler. */
  scalesBack: string[];
  resourceVersion: string;
}

const DEPLOYMENT = BUILTIN_TYPES.deployment;
const POD = BUILTIN_TYPES.pod;
const HPA = BUILTIN_TYPES.horizontalPodAutoscaler;

function recordedReplicas(deployment: KubeObject): number | undefined {
  const text = deployment.metadata.annotations?.[PREVIOUS_REPLICAS_ANNOTATION];
  const value = text === undefined ? NaN : Number(text);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Who would scale it back after it is scaled to 0, and what to change there. */
function scalersOf(deployment: KubeObject, autoscalers: KubeObject[] | undefined): string[] {
  const reasons: string[] = [];
  for (const owner of ownersOf(deployment)) {
    reasons.push(owner.startsWith('Helm release')
      ? `${owner}: the next helm upgrade puts its replicas back unless the release's values say 0`
      : `${owner}: its next sync puts the replicas back unless Git says 0 (or the application stops syncing it)`);
  }
  if (autoscalers === undefined) {
    reasons.push('HorizontalPodAutoscalers could not be listed: one may scale it back');
  } else {
    for (const autoscaler of autoscalers) {
      const target = autoscaler.spec?.['scaleTargetRef'] as { kind?: string; name?: string } | undefined;
      if (autoscaler.metadata.namespace === deployment.metadata.namespace && target?.kind === 'Deployment' && target.name === deployment.metadata.name) {
        reasons.push(`HorizontalPodAutoscaler ${autoscaler.metadata.namespace}/${autoscaler.metadata.name} scales it back up: delete it, or set its minReplicas, first`);
      }
    }
  }
  return reasons;
}

async function listAutoscalers(client: KubeClient): Promise<KubeObject[] | undefined> {
  try {
    return await client.listAll(HPA);
  } catch (error) {
    if (error instanceof ForbiddenError || isNotFound(error)) return undefined;
    throw error;
  }
}

/** Every old operator install in the cluster, cluster-wide and namespaced, found as cleanup finds them. */
export async function findOperatorDeployments(client: KubeClient): Promise<OperatorDeployment[]> {
  const { deployments, deploymentsKnown } = await deploymentFacts(client);
  if (!deploymentsKnown) throw new ForbiddenError('cannot list Deployments in all namespaces, so the old operator cannot be found: run with rights to list deployments cluster-wide');
  const installs = findOldOperators(deployments);
  if (installs.length === 0) return [];
  const autoscalers = await listAutoscalers(client);
  const found: OperatorDeployment[] = [];
  for (const install of installs) {
    const deployment = await client.get(DEPLOYMENT, install.name, install.namespace);
    const replicas = deployment.spec?.['replicas'];
    found.push({
      namespace: install.namespace,
      name: install.name,
      replicas: typeof replicas === 'number' ? replicas : 1,
      previousReplicas: recordedReplicas(deployment),
      watchedNamespace: install.watchedNamespace,
      scalesBack: scalersOf(deployment, autoscalers),
      resourceVersion: deployment.metadata.resourceVersion ?? '',
    });
  }
  return found;
}

/**
 * Scales one install to 0 and records the replicas it had, in one patch guarded by the resourceVersion read. A rerun
 * keeps the first record: a Deployment already at 0 with a record is left as it is.
 */
export async function scaleToZero(client: KubeClient, operator: OperatorDeployment): Promise<'scaled' | 'already-stopped'> {
  if (operator.replicas === 0 && operator.previousReplicas !== undefined) return 'already-stopped';
  const record = operator.previousReplicas ?? operator.replicas;
  await client.mergePatch(DEPLOYMENT, operator.name, operator.namespace, {
    metadata: { resourceVersion: operator.resourceVersion, annotations: { [PREVIOUS_REPLICAS_ANNOTATION]: String(record) } },
    spec: { replicas: 0 },
  });
  return operator.replicas === 0 ? 'already-stopped' : 'scaled';
}

/** Puts back the replicas stop-operator recorded and removes the record; nothing for an install it never stopped. */
export async function restoreReplicas(client: KubeClient, operator: OperatorDeployment): Promise<'restored' | 'not-stopped-by-this-tool'> {
  if (operator.previousReplicas === undefined) return 'not-stopped-by-this-tool';
  await client.mergePatch(DEPLOYMENT, operator.name, operator.namespace, {
    metadata: { resourceVersion: operator.resourceVersion, annotations: { [PREVIOUS_REPLICAS_ANNOTATION]: null } },
    spec: { replicas: operator.previousReplicas },
  });
  return 'restored';
}

/** The operator's pods that can still act (not Succeeded or Failed), as `namespace/name`. */
export async function livePodsOf(client: KubeClient, operator: OperatorDeployment): Promise<string[]> {
  const deployment = await client.get(DEPLOYMENT, operator.name, operator.namespace);
  const matchLabels = (deployment.spec?.['selector'] as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  const selector = Object.entries(matchLabels).map(([key, value]) => `${key}=${value}`).join(',');
  if (!selector) return [];
  const pods = await client.listAll(POD, { namespace: operator.namespace, labelSelector: selector });
  return pods.filter((pod) => !['Succeeded', 'Failed'].includes(stringAt(pod, 'status.phase') ?? '')).map((pod) => `${operator.namespace}/${pod.metadata.name}`);
}
