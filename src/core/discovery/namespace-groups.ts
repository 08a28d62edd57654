// Splits a cluster's namespaces into groups that can be planned one at a time (pure). Two namespaces share a group
// when anything the plan relates crosses between them: an AWS resource named by old objects or ACK objects in both,
// an ACK object whose old objects live in the other, an AdoptedResource whose target does, a HostingDeployment's
// children. Planning each group alone then gives the same sources and targets as planning everything at once, while
// only one group's objects are held (at 50,000 objects, the whole set is hundreds of MiB).
// Links are made on AWS identities without their region: linking too much only makes a group larger. A run on
// one namespace uses the same relations to keep only the other namespaces' ACK objects it can read.

import { compareNames, stringAt, type KubeObject } from '../../kube/objects.ts';
import { identityOfAckObject, identityOfAdoptedResource, type ExistingIdentity } from '../model/adoption-state.ts';
import type { Inventory } from './inventory.ts';
import { HOSTING_DEPLOYMENT_OWNER_LABELS, oldKindOf } from '../model/kinds.ts';
import { SOURCES_ANNOTATION } from '../model/ack-kinds.ts';
import { targetsOf } from '../model/targets.ts';

function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? 'default';
}

/** The namespaces named by a sources annotation (`Kind namespace/name, ...`). */
function sourceNamespaces(object: KubeObject): string[] {
  const text = object.metadata.annotations?.[SOURCES_ANNOTATION] ?? '';
  return text.split(', ').flatMap((source) => {
    const namespace = source.split(' ')[1]?.split('/')[0];
    return namespace ? [namespace] : [];
  });
}

/** A target key with its region left out (group|kind|region|identifiers...): the coarser identity errs towards "related". */
function regionless(key: string): string {
  const fields = key.split('|');
  fields[2] = '';
  return fields.join('|');
}

function linksOf(inventory: Inventory): NamespaceLinks {
  const links = new NamespaceLinks();
  for (const object of inventory.oldObjects) links.addOldObject(object);
  for (const object of inventory.ackObjects) links.addAckObject(object);
  for (const object of inventory.adoptedResources) links.addAdoptedResource(object);
  return links;
}

export class NamespaceLinks {
  /** Union-find over namespace names. */
  private readonly parent = new Map<string, string>();
  /** The first namespace seen for each region-less AWS identity. */
  private readonly identityNamespace = new Map<string, string>();

  private root(namespace: string): string {
    let node = namespace;
    if (!this.parent.has(node)) this.parent.set(node, node);
    while (this.parent.get(node) !== node) {
      const up = this.parent.get(node)!;
      this.parent.set(node, this.parent.get(up)!);
      node = up;
    }
    return node;
  }

  private link(a: string, b: string): void {
    const rootA = this.root(a);
    const rootB = this.root(b);
    if (rootA !== rootB) this.parent.set(rootA < rootB ? rootB : rootA, rootA < rootB ? rootA : rootB);
  }

  /** Links a namespace with every other holding the same AWS identity. */
  private linkIdentity(namespace: string, key: string): void {
    const identity = regionless(key);
    const first = this.identityNamespace.get(identity);
    if (first === undefined) this.identityNamespace.set(identity, namespace);
    else this.link(first, namespace);
  }

  private linkExisting(identity: ExistingIdentity | undefined): void {
    for (const key of identity?.keys ?? []) this.linkIdentity(identity!.namespace, key);
  }

  addOldObject(object: KubeObject): void {
    const namespace = namespaceOf(object);
    this.root(namespace);
    const kind = oldKindOf(object);
    if (!kind) return;
    for (const target of targetsOf(kind, object)) this.linkIdentity(namespace, target.key);
    const parentNamespace = object.metadata.labels?.[HOSTING_DEPLOYMENT_OWNER_LABELS.namespace];
    if (parentNamespace) this.link(namespace, parentNamespace);
  }

  addAckObject(object: KubeObject): void {
    const namespace = namespaceOf(object);
    this.root(namespace);
    this.linkExisting(identityOfAckObject(object));
    for (const source of sourceNamespaces(object)) this.link(namespace, source);
  }

  addAdoptedResource(object: KubeObject): void {
    const namespace = namespaceOf(object);
    this.root(namespace);
    this.linkExisting(identityOfAdoptedResource(object));
    const targetNamespace = stringAt(object, 'spec.kubernetes.metadata.namespace');
    if (targetNamespace) this.link(namespace, targetNamespace);
    for (const source of sourceNamespaces(object)) this.link(namespace, source);
  }

  /** Every namespace seen, in groups; each group and the list sorted by name. */
  groups(): string[][] {
    const byRoot = new Map<string, string[]>();
    for (const namespace of [...this.parent.keys()].sort()) {
      const root = this.root(namespace);
      const group = byRoot.get(root);
      if (group) group.push(namespace);
      else byRoot.set(root, [namespace]);
    }
    return [...byRoot.values()].sort((a, b) => compareNames(a[0]!, b[0]!));
  }
}

/**
 * The groups of a whole inventory, each as the inventory of its namespaces (for offline dumps and for tests), from
 * the namespace groups already made of the same objects when the caller has them.
 */
export function groupInventory(inventory: Inventory, namespaceGroups = linksOf(inventory).groups()): Inventory[] {
  const groups = namespaceGroups.map((): Pick<Inventory, 'oldObjects' | 'ackObjects' | 'adoptedResources'> => ({ oldObjects: [], ackObjects: [], adoptedResources: [] }));
  const groupOf = new Map(namespaceGroups.flatMap((namespaces, index) => namespaces.map((namespace) => [namespace, groups[index]!] as const)));
  // One pass over the objects, not one per group: a cluster of many namespaces makes as many groups.
  for (const field of ['oldObjects', 'ackObjects', 'adoptedResources'] as const) {
    for (const object of inventory[field]) groupOf.get(namespaceOf(object))![field].push(object);
  }
  return groups.map((group) => ({ ...inventory, ...group }));
}

/**
 * For a run on one namespace: the ACK objects and AdoptedResources of other namespaces that its plan and status can
 * read (those standing for an AWS resource its old objects name, naming it in their sources, or made by an
 * AdoptedResource kept). The rest of a large cluster's ACK objects need not be held. AdoptedResources are judged
 * first, so that the objects they make are known when the ACK objects are.
 */
export class NamespaceRelevance {
  private readonly identities = new Set<string>();
  private readonly madeByKept = new Set<string>();

  constructor(private readonly namespace: string, oldObjects: readonly KubeObject[]) {
    for (const object of oldObjects) {
      const kind = oldKindOf(object);
      for (const target of kind ? targetsOf(kind, object) : []) this.identities.add(regionless(target.key));
    }
  }

  private related(object: KubeObject, identity: ExistingIdentity | undefined): boolean {
    return namespaceOf(object) === this.namespace ||
      (identity?.keys ?? []).some((key) => this.identities.has(regionless(key))) ||
      sourceNamespaces(object).includes(this.namespace);
  }

  keepsAdoptedResource(object: KubeObject): boolean {
    const identity = identityOfAdoptedResource(object);
    const kept = this.related(object, identity) || identity?.namespace === this.namespace;
    if (kept && identity) this.madeByKept.add(`${identity.namespace}/${identity.targetName}`);
    return kept;
  }

  keepsAckObject(object: KubeObject): boolean {
    return this.related(object, identityOfAckObject(object)) || this.madeByKept.has(`${namespaceOf(object)}/${object.metadata.name}`);
  }
}
