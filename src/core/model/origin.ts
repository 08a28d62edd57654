// Where an ACK object came from (pure): the old objects it was made for and the AWS identity it was asked to adopt,
// read from the object itself or from the AdoptedResource that made it (ACK copies nothing else onto its targets).

import { stringAt, type KubeObject } from '../../kube/objects.ts';
import { ACK_ANNOTATIONS, type AckKind, ackKindByGroupKind, MANAGED_BY_LABEL, SOURCES_ANNOTATION } from './ack-kinds.ts';
import { parseAdoptionFields, type ExpectedIdentity } from './adoption-state.ts';
import { targetKey } from './targets.ts';

export interface Origin {
  kind: AckKind;
  /** The old objects it was made for (`Kind namespace/name`); empty when that cannot be established. */
  sources: string[];
  /** What it was asked to adopt: adoption-fields, or the AdoptedResource's spec.aws; empty when unknown. */
  expected: ExpectedIdentity;
  /** Made by this tool: its label, or an AdoptedResource of this tool's that names it. */
  madeByThisTool: boolean;
  /** The AdoptedResource whose spec.kubernetes names it, if any. */
  maker?: KubeObject;
}

function splitSources(text: string | undefined): string[] {
  return (text ?? '').split(', ').filter(Boolean);
}

/**
 * AdoptedResources by the object each names (spec.kubernetes, or the AdoptedResource's own name and namespace), so
 * that finding the maker of each of tens of thousands of ACK objects is one lookup, not a search of every
 * AdoptedResource. Where two name the same object, the first listed is its maker.
 */
export class AdoptedResourceMakers {
  private readonly byTarget = new Map<string, KubeObject>();

  constructor(adoptedResources: readonly KubeObject[]) {
    for (const candidate of adoptedResources) {
      const key = targetOfKey(
        stringAt(candidate, 'spec.kubernetes.group'),
        stringAt(candidate, 'spec.kubernetes.kind'),
        stringAt(candidate, 'spec.kubernetes.metadata.namespace') ?? candidate.metadata.namespace,
        stringAt(candidate, 'spec.kubernetes.metadata.name') ?? candidate.metadata.name,
      );
      if (!this.byTarget.has(key)) this.byTarget.set(key, candidate);
    }
  }

  /** The AdoptedResource whose spec.kubernetes names this object, if any. */
  makerOf(object: KubeObject): KubeObject | undefined {
    return this.byTarget.get(targetOfKey(object.apiVersion.split('/')[0], object.kind, object.metadata.namespace, object.metadata.name));
  }
}

function targetOfKey(group: string | undefined, kind: string | undefined, namespace: string | undefined, name: string | undefined): string {
  return JSON.stringify([group ?? null, kind ?? null, namespace ?? null, name ?? null]);
}

export function originOf(object: KubeObject, makers: AdoptedResourceMakers): Origin | undefined {
  const kind = ackKindByGroupKind(object.apiVersion.split('/')[0] ?? '', object.kind);
  if (!kind) return undefined;
  const ownLabel = object.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY_LABEL['app.kubernetes.io/managed-by'];
  const maker = makers.makerOf(object);
  const makerIsOurs = maker?.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY_LABEL['app.kubernetes.io/managed-by'];
  const sources = splitSources(object.metadata.annotations?.[SOURCES_ANNOTATION] ?? maker?.metadata.annotations?.[SOURCES_ANNOTATION]);
  let expected = parseAdoptionFields(object.metadata.annotations?.[ACK_ANNOTATIONS.adoptionFields]);
  if (Object.keys(expected).length === 0 && maker) {
    const nameOrID = stringAt(maker, 'spec.aws.nameOrID');
    const additional = (maker.spec?.['aws'] as { additionalKeys?: Record<string, string> } | undefined)?.additionalKeys ?? {};
    if (nameOrID) expected = { ...additional, [kind.primaryField]: nameOrID };
  }
  return { kind, sources, expected, madeByThisTool: ownLabel || makerIsOurs, ...(maker ? { maker } : {}) };
}

/** Region-less identity keys: comparing without the region errs on the side of "the same resource". */
export function regionlessKey(kind: AckKind, identifiers: Record<string, string>): string {
  return targetKey(kind.kind as Parameters<typeof targetKey>[0], undefined, identifiers);
}
