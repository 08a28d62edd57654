// Recognises GitOps and Helm ownership of an old object: a controller that would re-create it after cleanup (pure).

import type { KubeObject } from '../../kube/objects.ts';

const OWNERSHIP_MARKERS: Array<{ key: string; where: 'labels' | 'annotations'; owner: string }> = [
  { key: 'argocd.argoproj.io/instance', where: 'labels', owner: 'Argo CD application' },
  { key: 'argocd.argoproj.io/tracking-id', where: 'annotations', owner: 'Argo CD application' },
  { key: 'kustomize.toolkit.fluxcd.io/name', where: 'labels', owner: 'Flux Kustomization' },
  { key: 'helm.toolkit.fluxcd.io/name', where: 'labels', owner: 'Flux HelmRelease' },
  { key: 'meta.helm.sh/release-name', where: 'annotations', owner: 'Helm release' },
];

/** The label and annotation keys ownership is read from. */
export const OWNERSHIP_KEYS = { labels: OWNERSHIP_MARKERS.filter((marker) => marker.where === 'labels').map((marker) => marker.key), annotations: OWNERSHIP_MARKERS.filter((marker) => marker.where === 'annotations').map((marker) => marker.key) };

/** Descriptions like `Argo CD application "ml-apps"` for each owner found. */
export function ownersOf(object: KubeObject): string[] {
  const owners: string[] = [];
  for (const marker of OWNERSHIP_MARKERS) {
    const value = object.metadata[marker.where]?.[marker.key];
    if (value) owners.push(`${marker.owner} "${value}"`);
  }
  return [...new Set(owners)];
}
