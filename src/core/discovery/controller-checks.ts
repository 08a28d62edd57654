// Reads the ACK controllers' configuration for what makes adoption fail without a word (pure): ACK writes no
// condition when it never reconciles an object, or when every reconcile fails before it reaches AWS.

import { ACK_KINDS, type AckController, MANAGED_BY_LABEL } from '../model/ack-kinds.ts';
import type { AckControllerInstall } from './controllers.ts';
import type { PlannedTarget } from '../model/plan-types.ts';
import { labelMatcher } from '../model/selector.ts';

export interface ControllerFindings {
  /** Nothing would ever be adopted: adopt refuses. */
  blockers: string[];
  /** Adoption waits until it is fixed. */
  warnings: string[];
}

export function describeInstall(install: AckControllerInstall): string {
  return `Deployment ${install.namespace}/${install.name}`;
}

/** The reasons this install can never adopt these targets; empty when it can. */
function silentFailures(install: AckControllerInstall, targets: PlannedTarget[]): string[] {
  const reasons: string[] = [];
  const name = describeInstall(install);
  if (install.caBundle) {
    reasons.push(
      `${name} sets AWS_CA_BUNDLE: the ACK runtime (v0.52 to v0.62 at least) then fails every reconcile ("unable to add custom RootCAs HTTPClient, has no WithTransportOptions") and writes no condition, so nothing is ever adopted; remove it from the controller's environment`,
    );
  }
  if (install.watchSelectors !== undefined && !matchesSelector(install.watchSelectors)) {
    reasons.push(
      `${name} reconciles only objects matching --watch-selectors=${install.watchSelectors}, which the objects this tool creates (label app.kubernetes.io/managed-by=kubectl-sagemaker-migrate) do not match`,
    );
  }
  const reconciled = install.reconcileResources;
  if (reconciled) {
    const ignored = [...new Set(targets.map((target) => ACK_KINDS[target.ackKind].kind))].filter((kind) => !reconciled.includes(kind));
    if (ignored.length > 0) reasons.push(`${name} reconciles only ${reconciled.join(', ')} (--reconcile-resources): ${ignored.join(', ')} would never be adopted`);
  }
  return reasons;
}

function matchesSelector(selector: string): boolean {
  try {
    return labelMatcher(selector)(MANAGED_BY_LABEL);
  } catch {
    return true; // a selector the controller could not parse stops it at start-up, which shows as not running
  }
}

function watches(install: AckControllerInstall, namespace: string): boolean {
  return install.watchNamespaces === undefined || install.watchNamespaces.includes(namespace);
}

/** For every controller with targets not adopted yet: can any install of it reconcile them? */
export function checkControllers(installs: AckControllerInstall[], targets: PlannedTarget[]): ControllerFindings {
  const blockers = new Set<string>();
  const warnings = new Set<string>();
  const open = targets.filter((target) => target.state !== 'adopted');
  for (const controller of new Set(open.map((target) => ACK_KINDS[target.ackKind].controller))) {
    const mine = installs.filter((install) => install.controller === controller);
    if (mine.length === 0) continue; // the method choice already says that none was found
    const ofController = open.filter((target) => ACK_KINDS[target.ackKind].controller === controller);
    for (const namespace of new Set(ofController.map((target) => target.namespace))) {
      const inNamespace = ofController.filter((target) => target.namespace === namespace);
      const watching = mine.filter((install) => watches(install, namespace));
      if (watching.length === 0) {
        const scopes = mine.map((install) => `${describeInstall(install)} watches only ${install.watchNamespaces!.join(', ')}`).join('; ');
        blockers.add(`no ACK ${controller} controller watches namespace ${namespace} (--watch-namespace): ${scopes}`);
        continue;
      }
      const failures = watching.map((install) => silentFailures(install, inNamespace));
      if (failures.every((reasons) => reasons.length > 0)) failures.flat().forEach((reason) => blockers.add(reason));
      if (!watching.some((install) => install.running)) {
        for (const install of watching) warnings.add(`${describeInstall(install)} is not running (${install.state}): nothing is adopted until it runs`);
      }
    }
  }
  return { blockers: [...blockers], warnings: [...warnings] };
}

/** The installs of a controller that reconcile a namespace, for naming the Deployment to look at. */
export function installsFor(installs: AckControllerInstall[], controller: AckController, namespace: string): AckControllerInstall[] {
  return installs.filter((install) => install.controller === controller && watches(install, namespace));
}
