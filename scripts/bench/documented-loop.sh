#!/usr/bin/env bash
# The clean-up loop of AWS's migration guide, as users run it: one kubectl get + jq per namespace, then one
# kubectl patch (finalizers: null) and one kubectl delete per object. Namespaces are passed as arguments.
set -euo pipefail
for namespace in "$@"; do
  for job in $(kubectl get trainingjobs.sagemaker.aws.amazon.com -n "$namespace" -o json | jq -r '.items | .[] | .metadata.name'); do
    kubectl patch trainingjobs.sagemaker.aws.amazon.com "$job" -n "$namespace" -p '{"metadata":{"finalizers":null}}' --type=merge >/dev/null
    kubectl delete trainingjobs.sagemaker.aws.amazon.com "$job" -n "$namespace" >/dev/null
  done
done
