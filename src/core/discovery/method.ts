// Chooses the adoption method per ACK controller from its released version (its image tag), not from the mere
// presence of the AdoptedResource CRD, which Helm leaves behind on upgrade with nothing reconciling it.

import type { AckController } from '../model/ack-kinds.ts';
import type { AdoptionMethod, MethodChoice, MethodRequest } from '../model/plan-types.ts';
import type { AckControllerInstall } from './controllers.ts';


interface VersionLine {
  /** First release where annotation adoption is on by default (ResourceAdoption gate Beta). */
  annotationDefault: string;
  /** First release that has the ResourceAdoption gate at all (off by default). */
  annotationGate: string;
  /** First release without the AdoptedResource CRD and reconciler. */
  adoptedResourceRemoved: string;
}

// From the controllers' release history (shared/reference/ack.md section 0.2).
const VERSION_LINES: Record<AckController, VersionLine> = {
  sagemaker: { annotationDefault: '1.4.0', annotationGate: '1.2.14', adoptedResourceRemoved: '1.5.1' },
  applicationautoscaling: { annotationDefault: '1.1.0', annotationGate: '1.0.19', adoptedResourceRemoved: '1.1.2' },
};

export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function supportedMethods(install: AckControllerInstall): Set<AdoptionMethod> {
  const line = VERSION_LINES[install.controller];
  const version = install.version;
  const methods = new Set<AdoptionMethod>();
  if (!version) return methods;
  const atLeast = (minimum: string): boolean => compareVersions(version, minimum) >= 0;
  const gate = install.featureGates['ResourceAdoption'];
  if (atLeast(line.annotationDefault) ? gate !== false : atLeast(line.annotationGate) && gate === true) methods.add('annotation');
  if (!atLeast(line.adoptedResourceRemoved)) methods.add('adopted-resource');
  return methods;
}

export function chooseMethod(
  controller: AckController,
  requested: MethodRequest,
  installs: AckControllerInstall[],
  facts: { adoptedResourceCrdServed: boolean; deploymentsKnown: boolean },
): MethodChoice {
  const install = installs.find((candidate) => candidate.controller === controller);
  if (!install) {
    if (requested !== 'auto') {
      return { controller, method: requested, reason: `--method ${requested}; no ${controller} controller Deployment found to check it against` };
    }
    if (!facts.deploymentsKnown) {
      return { controller, method: undefined, reason: `cannot list Deployments to find the ACK ${controller} controller: pass --method annotation or --method adopted-resource` };
    }
    if (!facts.adoptedResourceCrdServed) {
      return { controller, method: 'annotation', reason: `no ${controller} controller Deployment found (managed controller?) and no AdoptedResource CRD: annotation` };
    }
    return { controller, method: undefined, reason: `no ACK ${controller} controller Deployment found: install it, or pass --method if it runs outside the cluster` };
  }
  const methods = supportedMethods(install);
  const version = install.version ?? 'unknown';
  const gateOff = install.featureGates['ResourceAdoption'] === false && install.version !== undefined && compareVersions(install.version, VERSION_LINES[controller].annotationGate) >= 0;
  const gateOffReason = `${controller}-controller ${version} has the ResourceAdoption feature gate off (FEATURE_GATES)`;
  if (requested !== 'auto') {
    if (methods.has(requested)) return { controller, method: requested, reason: `--method ${requested}, supported by ${controller}-controller ${version}` };
    if (requested === 'annotation' && gateOff) return { controller, method: undefined, reason: `${gateOffReason}: turn it on to use --method annotation` };
    return { controller, method: undefined, reason: `${controller}-controller ${version} does not support --method ${requested}` };
  }
  if (methods.has('annotation')) return { controller, method: 'annotation', reason: `${controller}-controller ${version} supports annotation adoption` };
  if (methods.has('adopted-resource')) {
    return { controller, method: 'adopted-resource', reason: gateOff ? `${gateOffReason}, so AdoptedResource` : `${controller}-controller ${version} predates annotation adoption` };
  }
  if (gateOff) return { controller, method: undefined, reason: `${gateOffReason} and no longer serves AdoptedResource: turn the gate on (ResourceAdoption=true)` };
  return { controller, method: undefined, reason: `cannot tell which adoption method ${controller}-controller image ${install.image} supports: pass --method` };
}
