// What the plan is computed from: the objects found (in a cluster or a dump) and, when connected, cluster facts.

import type { KubeObject } from '../../kube/objects.ts';
import type { AckKindName } from '../model/ack-kinds.ts';
import type { AckControllerInstall, OldOperatorInstall } from './controllers.ts';

export interface ClusterFacts {
  contextName: string;
  /** False when Deployments could not be listed cluster-wide: the old operator's absence is then unproven. */
  deploymentsKnown: boolean;
  oldOperators: OldOperatorInstall[];
  ackControllers: AckControllerInstall[];
  servedAckKinds: AckKindName[];
  adoptedResourceCrdServed: boolean;
  /** False when ACK objects and AdoptedResources could be listed only in the run's namespace (no cluster-wide right). */
  ackObjectsClusterWide: boolean;
  /** Whether the old objects read cover every namespace (an all-namespaces run, or handover with the right to). */
  oldObjectsClusterWide: boolean;
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
  /** The namespace the run is about; undefined for all namespaces. ACK objects may come from others too. */
  scopeNamespace?: string | undefined;
}
