// Reads an exported dump (`kubectl get <kinds> -A -o yaml|json`: a List, one object, or multi-document YAML) into an
// inventory for offline planning. Input is untrusted: anything that is not a Kubernetes object is a usage error.

import yaml from 'js-yaml';
import { isKubeObject, type KubeObject } from '../kube/objects.ts';
import { ACK_CORE_GROUP, ADOPTED_RESOURCE_TYPE, ackKindByGroupKind } from './ack-kinds.ts';
import { UsageError } from '../errors.ts';
import type { Inventory } from './inventory.ts';
import { OLD_GROUP } from './kinds.ts';

export function parseDump(text: string, source: string): Inventory {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text).filter((document) => document !== null && document !== undefined);
  } catch (error) {
    const reason = (error as yaml.YAMLException).reason ?? (error as Error).message;
    const line = (error as yaml.YAMLException).mark?.line;
    throw new UsageError(`${source} is not valid YAML or JSON${line === undefined ? '' : ` (line ${line + 1})`}: ${reason}`);
  }
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
