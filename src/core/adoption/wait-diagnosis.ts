// Says why resources were not adopted when `adopt --wait` times out (pure): once per controller that acted on none
// of its objects, naming the Deployment to look at, and one line per object otherwise.

import { ACK_KINDS, type AckController } from '../model/ack-kinds.ts';
import type { Observation } from '../model/adoption-state.ts';
import { describeInstall, installsFor } from '../discovery/controller-checks.ts';
import type { AckControllerInstall } from '../discovery/controllers.ts';
import type { MigrationPlan, PlannedTarget } from '../plan/plan.ts';

const settled = (observation: Observation | undefined): boolean => observation?.state === 'adopted' || observation?.state === 'failed';

export function diagnoseWait(plan: MigrationPlan, observations: ReadonlyMap<string, Observation>, installs: AckControllerInstall[] | undefined): string[] {
  const lines: string[] = [];
  const waiting = plan.targets.filter((target) => !settled(observations.get(target.key)));
  const controllers = new Set(waiting.map((target) => ACK_KINDS[target.ackKind].controller));
  for (const controller of controllers) {
    const all = plan.targets.filter((target) => ACK_KINDS[target.ackKind].controller === controller);
    const stuck = waiting.filter((target) => ACK_KINDS[target.ackKind].controller === controller);
    if (all.every((target) => untouched(observations.get(target.key)))) {
      lines.push(`the ACK ${controller} controller wrote nothing on any of its ${all.length} object(s): ${whereToLook(controller, all, installs)}${notFoundHint(all)}`);
      continue;
    }
    for (const target of stuck) lines.push(`${target.ackKind}/${target.name} (${target.awsName}): ${reasonFor(target, observations.get(target.key))}`);
  }
  return lines;
}

function untouched(observation: Observation | undefined): boolean {
  return observation === undefined || observation.state === 'not-started' || observation.untouched === true;
}

function whereToLook(controller: AckController, targets: PlannedTarget[], installs: AckControllerInstall[] | undefined): string {
  if (installs === undefined) return 'check that it runs and watches these namespaces, and its log';
  const relevant = [...new Set(targets.flatMap((target) => installsFor(installs, controller, target.namespace)))];
  if (relevant.length === 0) {
    const any = installs.filter((install) => install.controller === controller);
    if (any.length === 0) return `no Deployment of it was found in the cluster: install it (or, if it runs elsewhere, check that it reaches this cluster)`;
    return `${any.map(describeInstall).join(', ')} does not watch ${[...new Set(targets.map((target) => target.namespace))].join(', ')} (--watch-namespace)`;
  }
  return relevant
    .map((install) => `check ${describeInstall(install)} (${install.running ? 'running' : install.state}) and its log: kubectl logs -n ${install.namespace} deploy/${install.name}`)
    .join('; ');
}

/** Annotation adoption writes nothing when the resource is not found, which looks the same as no controller at all. */
function notFoundHint(targets: PlannedTarget[]): string {
  const silent = targets.filter((target) => target.method === 'annotation');
  if (silent.length === 0) return '';
  const regions = [...new Set(silent.map((target) => target.region ?? "the controller's default region"))].join(', ');
  return `; or the AWS resources are not in ${regions} of the account it uses (ACK then writes nothing either)`;
}

function reasonFor(target: PlannedTarget, observation: Observation | undefined): string {
  if (observation && !untouched(observation)) return observation.message ?? observation.state;
  if (target.method === 'adopted-resource') return 'no ACK.Adopted condition yet on its AdoptedResource';
  return `ACK wrote nothing on it, which is what it does when it cannot find "${target.awsName}" in region ${target.region ?? "(the controller's default)"} of the account it uses`;
}
