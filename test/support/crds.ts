// Finds the CRDs the tests install, from the published Go modules in the Go module cache (fetched through the Go
// module proxy at test time, never committed), and installs them on the test API server.
//
// Sources, in order:
// - old operator (sagemaker.aws.amazon.com): github.com/aws/amazon-sagemaker-operator-for-k8s at the pseudo-version
//   v1.0.1-0.20210303003444-0fb33b1fd49d. The proxy refuses the v1.2.2 tag itself ("not available"); the CRD schemas
//   of that commit are identical to v1.2.2's once descriptions are ignored (only their line wrapping changed). The
//   files are apiextensions.k8s.io/v1beta1; they are converted to v1, as an upgraded cluster serves them.
// - AdoptedResource (services.k8s.aws): github.com/aws-controllers-k8s/runtime v0.52.0, the last runtime with it.
// - ACK SageMaker / Application Auto Scaling kinds, per era (see AckEra): ACK_CRDS_DIR or
//   ACK_ADOPTED_RESOURCE_ERA_CRDS_DIR (a directory of their CRD YAML files), else shared/crds/ack or
//   shared/crds/ack-adoptedresource-era beside the repository, else (current era) the controllers' modules
//   (helm/crds) through the Go module proxy, which on this project's machines refuses every version of them;
//   failing all, ack-crds.ts builds stand-ins and the run says so loudly.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { ackStandInCrds } from './ack-crds.ts';

export const OLD_OPERATOR_MODULE = 'github.com/aws/amazon-sagemaker-operator-for-k8s@v1.0.1-0.20210303003444-0fb33b1fd49d';
export const ACK_RUNTIME_MODULE = 'github.com/aws-controllers-k8s/runtime@v0.52.0';
/** Current releases, tried when no directory of real CRDs is at hand. */
export const ACK_CONTROLLER_MODULES = [
  'github.com/aws-controllers-k8s/sagemaker-controller@v1.9.1',
  'github.com/aws-controllers-k8s/applicationautoscaling-controller@v1.4.1',
];

export type Crd = Record<string, unknown> & { metadata: { name: string } };

export interface CrdSet {
  crds: Crd[];
  /** One line per source, printed by the test runner so every run says where its CRDs came from. */
  provenance: string[];
}

/**
 * The two generations of ACK the suite runs against, each with the real CRDs of its controllers:
 * - 'current': sagemaker-controller v1.9.1 + applicationautoscaling-controller v1.4.1 (annotation adoption); the
 *   AdoptedResource CRD from runtime v0.52.0 is installed too, as Helm leaves it behind on upgrade;
 * - 'adopted-resource': v1.5.0 + v1.1.1, the last releases with AdoptedResource, and their AdoptedResource CRD.
 */
export type AckEra = 'current' | 'adopted-resource';

const SHARED_CRDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'crds');
const ERA_DIRECTORIES: Record<AckEra, { variable: string; shared: string }> = {
  current: { variable: 'ACK_CRDS_DIR', shared: path.join(SHARED_CRDS, 'ack') },
  'adopted-resource': { variable: 'ACK_ADOPTED_RESOURCE_ERA_CRDS_DIR', shared: path.join(SHARED_CRDS, 'ack-adoptedresource-era') },
};

export function collectCrds(era: AckEra = 'current', env: NodeJS.ProcessEnv = process.env): CrdSet {
  const provenance: string[] = [];
  const oldDir = path.join(goModuleDirectory(OLD_OPERATOR_MODULE), 'config', 'crd', 'bases');
  const oldCrds = readYamlDirectory(oldDir).map(convertV1beta1ToV1);
  provenance.push(`old operator CRDs: ${oldCrds.length} from ${OLD_OPERATOR_MODULE} (converted v1beta1 -> v1)`);

  const { variable, shared } = ERA_DIRECTORIES[era];
  const ackDirectory = env[variable] ?? (existsSync(shared) ? shared : undefined);
  const fromDirectory = ackDirectory && existsSync(ackDirectory) ? readYamlDirectory(ackDirectory) : undefined;
  const fromModules = fromDirectory || era !== 'current' ? undefined : ackControllerCrds();
  let ackCrds: Crd[];
  if (fromDirectory) {
    ackCrds = fromDirectory.filter(isAckServiceCrd);
    provenance.push(`ACK ${era} CRDs: ${ackCrds.length} real ones from ${ackDirectory}`);
  } else if (fromModules) {
    ackCrds = fromModules;
    provenance.push(`ACK ${era} CRDs: ${ackCrds.length} real ones from ${ACK_CONTROLLER_MODULES.join(', ')}`);
  } else {
    ackCrds = ackStandInCrds();
    provenance.push(
      `WARNING: ACK ${era} CRDs are ${ackCrds.length} STAND-INS that accept any field: neither ${variable} nor ${shared} holds the real ones, and the Go module proxy refuses the controllers' modules`,
    );
  }

  let adopted = fromDirectory?.filter((crd) => crd.metadata.name === ADOPTED_RESOURCE_CRD);
  if (adopted?.length) {
    provenance.push(`AdoptedResource CRD: from ${ackDirectory}`);
  } else {
    adopted = readYamlDirectory(path.join(goModuleDirectory(ACK_RUNTIME_MODULE), 'config', 'crd', 'bases')).filter((crd) => crd.metadata.name === ADOPTED_RESOURCE_CRD);
    provenance.push(`AdoptedResource CRD: from ${ACK_RUNTIME_MODULE}`);
  }
  return { crds: [...oldCrds, ...adopted, ...ackCrds], provenance };
}

const ADOPTED_RESOURCE_CRD = 'adoptedresources.services.k8s.aws';

function isAckServiceCrd(crd: Crd): boolean {
  return /\.(sagemaker|applicationautoscaling)\.services\.k8s\.aws$/.test(crd.metadata.name);
}

/** The controllers' own CRDs (helm/crds) when the Go module proxy serves their modules; undefined when it refuses. */
function ackControllerCrds(): Crd[] | undefined {
  try {
    return ACK_CONTROLLER_MODULES.flatMap((module) => readYamlDirectory(path.join(goModuleDirectory(module), 'helm', 'crds')).filter(isAckServiceCrd));
  } catch {
    return undefined;
  }
}

/** Downloads a module through the Go module proxy (cached in GOMODCACHE) and returns its directory. */
export function goModuleDirectory(moduleAtVersion: string): string {
  const scratch = mkdtempSync(path.join(tmpdir(), 'smm-gomod-'));
  const output = execFileSync('go', ['mod', 'download', '-json', moduleAtVersion], {
    cwd: scratch,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    encoding: 'utf8',
  });
  const info = JSON.parse(output) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${moduleAtVersion} failed: ${info.Error ?? output}`);
  return info.Dir;
}

function readYamlDirectory(directory: string): Crd[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort()
    .flatMap((file) => yaml.loadAll(readFileSync(path.join(directory, file), 'utf8')))
    .filter((document): document is Crd => typeof document === 'object' && document !== null && (document as Crd).kind === 'CustomResourceDefinition');
}

type Loose = Record<string, unknown>;

/** apiextensions.k8s.io/v1beta1 -> v1: schema, subresources and printer columns move into each version. */
export function convertV1beta1ToV1(crd: Crd): Crd {
  if (crd['apiVersion'] === 'apiextensions.k8s.io/v1') return crd;
  const spec = crd['spec'] as Loose;
  const versions = (spec['versions'] as Loose[] | undefined) ?? [{ name: spec['version'], served: true, storage: true }];
  const columns = (spec['additionalPrinterColumns'] as Loose[] | undefined)?.map((column) => {
    const { JSONPath, ...rest } = column;
    return { ...rest, jsonPath: JSONPath };
  });
  const validation = spec['validation'] as { openAPIV3Schema?: Loose } | undefined;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crd.metadata.name, annotations: (crd.metadata as Loose)['annotations'] as Loose },
    spec: {
      group: spec['group'],
      names: spec['names'],
      scope: spec['scope'],
      versions: versions.map((version) => ({
        name: version['name'],
        served: version['served'] ?? true,
        storage: version['storage'] ?? true,
        schema: { openAPIV3Schema: (version['schema'] as Loose | undefined)?.['openAPIV3Schema'] ?? validation?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        ...(spec['subresources'] ? { subresources: spec['subresources'] } : {}),
        ...(columns ? { additionalPrinterColumns: columns } : {}),
      })),
    },
  } as Crd;
}
