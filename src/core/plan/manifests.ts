// Renders the ACK objects that adopt a planned target (pure): the annotated ACK object itself, or an AdoptedResource.

import type { KubeObject } from '../../kube/objects.ts';
import { ACK_ANNOTATIONS, ACK_KINDS, ADOPTED_RESOURCE_TYPE, MANAGED_BY_LABEL, SOURCES_ANNOTATION } from '../model/ack-kinds.ts';
import type { DeletionPolicy, MigrationPlan, PlannedTarget } from '../model/plan-types.ts';


interface ManifestOptions {
  deletionPolicy: DeletionPolicy;
  readOnly: boolean;
}

/** The annotations ACK reads on the object it adopts: policy, deletion policy, observe-only. */
function controlAnnotations(options: ManifestOptions): Record<string, string> {
  return {
    [ACK_ANNOTATIONS.deletionPolicy]: options.deletionPolicy,
    ...(options.readOnly ? { [ACK_ANNOTATIONS.readOnly]: 'true' } : {}),
  };
}

export function annotationManifest(target: PlannedTarget, options: ManifestOptions): KubeObject {
  const kind = ACK_KINDS[target.ackKind];
  return {
    apiVersion: `${kind.group}/${kind.version}`,
    kind: kind.kind,
    metadata: {
      name: target.name,
      namespace: target.namespace,
      labels: { ...MANAGED_BY_LABEL },
      annotations: {
        // `adopt`, never `adopt-or-create`: the latter pushes the manifest onto AWS or creates what is missing.
        [ACK_ANNOTATIONS.adoptionPolicy]: 'adopt',
        [ACK_ANNOTATIONS.adoptionFields]: JSON.stringify(target.identifiers),
        ...controlAnnotations(options),
        ...(target.region ? { [ACK_ANNOTATIONS.region]: target.region } : {}),
        [SOURCES_ANNOTATION]: target.sources.join(', '),
      },
    },
    ...(target.spec ? { spec: target.spec } : {}),
  };
}

export function adoptedResourceManifest(target: PlannedTarget, options: ManifestOptions): KubeObject {
  const kind = ACK_KINDS[target.ackKind];
  const additionalKeys = Object.fromEntries(kind.additionalFields.filter((field) => target.identifiers[field] !== undefined).map((field) => [field, target.identifiers[field]!]));
  return {
    apiVersion: `${ADOPTED_RESOURCE_TYPE.group}/${ADOPTED_RESOURCE_TYPE.version}`,
    kind: ADOPTED_RESOURCE_TYPE.kind,
    metadata: {
      name: target.adoptedResourceName ?? target.name,
      namespace: target.namespace,
      labels: { ...MANAGED_BY_LABEL },
      annotations: {
        // The adoption reconciler reads the region from the AdoptedResource, not from the target.
        ...(target.region ? { [ACK_ANNOTATIONS.region]: target.region } : {}),
        [SOURCES_ANNOTATION]: target.sources.join(', '),
      },
    },
    spec: {
      aws: {
        nameOrID: target.identifiers[kind.primaryField],
        ...(Object.keys(additionalKeys).length > 0 ? { additionalKeys } : {}),
      },
      kubernetes: {
        group: kind.group,
        kind: kind.kind,
        metadata: {
          name: target.name,
          namespace: target.namespace,
          labels: { ...MANAGED_BY_LABEL },
          // ACK copies only these onto the object it creates, and only then: status and handover read the sources
          // annotation back from that object, so it goes here and not only on the AdoptedResource.
          annotations: {
            ...controlAnnotations(options),
            ...(target.region ? { [ACK_ANNOTATIONS.region]: target.region } : {}),
            [SOURCES_ANNOTATION]: target.sources.join(', '),
          },
        },
      },
    },
  };
}

export function manifestFor(target: PlannedTarget, plan: Pick<MigrationPlan, 'deletionPolicy' | 'readOnly'>): KubeObject | undefined {
  const options = { deletionPolicy: plan.deletionPolicy, readOnly: plan.readOnly };
  if (target.method === 'annotation') return annotationManifest(target, options);
  if (target.method === 'adopted-resource') return adoptedResourceManifest(target, options);
  return undefined;
}

/** Manifests for every target that has no ACK object yet, in an order ACK can adopt (scalable targets before policies). */
export function manifestsToCreate(plan: MigrationPlan): Array<{ target: PlannedTarget; manifest: KubeObject }> {
  const order = Object.keys(ACK_KINDS);
  return plan.targets
    .filter((target) => target.state === 'not-started')
    .sort((a, b) => order.indexOf(a.ackKind) - order.indexOf(b.ackKind))
    .flatMap((target) => {
      const manifest = manifestFor(target, plan);
      return manifest ? [{ target, manifest }] : [];
    });
}
