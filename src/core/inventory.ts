// What the plan is computed from: the objects found (in a cluster or a dump) and, when connected, cluster facts.

import type { KubeObject } from '../kube/objects.ts';
import type { AckKindName } from './ack-kinds.ts';
import type { AckControllerInstall, OldOperatorInstall } from './controllers.ts';

export interface ClusterFacts {
  contextName: string;
  /** False when Deployments could not be listed cluster-wide: the old operator's absence is then unproven. */
  deploymentsKnown: boolean;
  oldOperators: OldOperatorInstall[];
  ackControllers: AckControllerInstall[];
  servedAckKinds: AckKindName[];
  adoptedResourceCrdServed: boolean;
  /** Creates the current user may not make, per resource and namespace (SelfSubjectAccessReview). */
  missingPermissions: MissingPermission[];
}

export interface MissingPermission {
  verb: 'create';
  /** plural.group, e.g. endpoints.sagemaker.services.k8s.aws */
  resource: string;
  namespace: string;
}

export interface Inventory {
  oldObjects: KubeObject[];
  ackObjects: KubeObject[];
  adoptedResources: KubeObject[];
  /** Absent when working offline on a dump. */
  cluster?: ClusterFacts;
}
