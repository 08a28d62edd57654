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
  /** Verbs the current user lacks, e.g. `create endpoints.sagemaker.services.k8s.aws in namespace ml`. */
  missingPermissions: string[];
}

export interface Inventory {
  oldObjects: KubeObject[];
  ackObjects: KubeObject[];
  adoptedResources: KubeObject[];
  /** Absent when working offline on a dump. */
  cluster?: ClusterFacts;
}
