// Reads an exported dump (`kubectl get <kinds> -A -o yaml|json`: a List, one object, or multi-document YAML) into an
// inventory for offline planning. Input is untrusted: anything that is not a Kubernetes object is a usage error.

import yaml from 'js-yaml';
import { isKubeObject, type KubeObject } from '../../kube/objects.ts';
import { ACK_CORE_GROUP, ADOPTED_RESOURCE_TYPE, ackKindByGroupKind } from '../model/ack-kinds.ts';
import { UsageError } from '../../errors.ts';
import type { Inventory } from './inventory.ts';
import { OLD_GROUP } from '../model/kinds.ts';

export function parseDump(text: string, source: string): Inventory {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text).filter((document) => document !== null && document !== undefined);
  } catch (error) {
    const reason = (error as yaml.YAMLException).reason ?? (error as Error).message;
    const line = (error as yaml.YAMLException).mark?.line;
    throw new UsageError(`${source} is not valid YAML or JSON${line === undefined ? '' : ` (line ${line + 1})`}: ${reason}`);
  }
  refuseAliases(documents, source);
  if (documents.length === 0) throw new UsageError(`${source} is empty: pass the output of \`kubectl get <kinds> -A -o yaml\``);
  const objects = documents.flatMap((document, index) => flatten(document, `${source} document ${index + 1}`));
  const inventory: Inventory = { oldObjects: [], ackObjects: [], adoptedResources: [] };
  for (const object of objects) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
    if (group === OLD_GROUP) inventory.oldObjects.push(withNamespace(object));
    else if (group === ACK_CORE_GROUP && object.kind === ADOPTED_RESOURCE_TYPE.kind) inventory.adoptedResources.push(withNamespace(object));
    else if (ackKindByGroupKind(group, object.kind)) inventory.ackObjects.push(withNamespace(object));
  }
  return inventory;
}

/**
 * `kubectl get -o yaml` never writes anchors and aliases. The YAML reader shares one node among its aliases, so a
 * mapping or sequence reached twice is an alias; aliases of aliases nested a few levels deep stand for billions of
 * nodes, which everything that walks the objects afterwards would expand until memory runs out. Scalars are copied,
 * never shared, so an alias of one is harmless and allowed.
 */
function refuseAliases(documents: unknown[], source: string): void {
  const seen = new Set<object>();
  const pending: unknown[] = [...documents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (seen.has(node)) {
      throw new UsageError(`${source} uses YAML aliases (*name) of mappings or lists, which \`kubectl get -o yaml\` never writes: export the objects with kubectl again`);
    }
    seen.add(node);
    for (const child of Object.values(node)) pending.push(child);
  }
}

function flatten(document: unknown, where: string): KubeObject[] {
  if (typeof document === 'object' && document !== null && Array.isArray((document as { items?: unknown }).items)) {
    return ((document as { items: unknown[] }).items).flatMap((item, index) => flatten(item, `${where} item ${index + 1}`));
  }
  if (!isKubeObject(document)) {
    throw new UsageError(`${where} is not a Kubernetes object (it needs apiVersion, kind and metadata.name)`);
  }
  return [document];
}

function withNamespace(object: KubeObject): KubeObject {
  return object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace: 'default' } };
}
