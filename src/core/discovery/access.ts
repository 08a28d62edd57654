// Which of the writes a step needs the current user may not make, asked of the API server (SelfSubjectAccessReview).

import type { AccessCheck, KubeClient } from '../../kube/client.ts';
import { inParallel } from '../model/in-parallel.ts';

/**
 * The checks the user is not allowed. A review without a namespace asks about every namespace at once (RBAC allows
 * it only through a ClusterRole binding), so each verb and resource is first asked that way; only what is not
 * allowed cluster-wide is asked namespace by namespace. Over 40 namespaces that is 2 reviews instead of 80 for an
 * administrator, and the same answers for anyone else.
 */
export async function deniedAccess(client: KubeClient, checks: AccessCheck[], concurrency: number, clusterWideAnswers = new Map<string, Promise<boolean>>()): Promise<AccessCheck[]> {
  const keyOf = (check: AccessCheck): string => `${check.verb} ${check.resource}.${check.group}`;
  const clusterWide = new Map<string, AccessCheck>();
  for (const { verb, group, resource } of checks) clusterWide.set(keyOf({ verb, group, resource }), { verb, group, resource });
  const everywhere = [...clusterWide];
  const answers = await inParallel(everywhere, concurrency, async ([key, check]) => {
    if (!clusterWideAnswers.has(key)) clusterWideAnswers.set(key, client.canI(check));
    return await clusterWideAnswers.get(key)!;
  });
  const allowedEverywhere = new Set(everywhere.filter((_entry, index) => answers[index]).map(([key]) => key));
  const perNamespace = checks.filter((check) => !allowedEverywhere.has(keyOf(check)));
  const allowed = await inParallel(perNamespace, concurrency, (check) => client.canI(check));
  return perNamespace.filter((_check, index) => !allowed[index]);
}
