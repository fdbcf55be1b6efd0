#!/bin/sh
# Stage 2 of the aws-auth -> access entries migration of cluster myeks (snapshot live-config-map.json): aws-auth rows removed.
# Written by `eks-access migrate --snapshot`; run the stages in order, each after the one before succeeded.
# kubectl must point at the cluster. Changes:
#   aws-auth mapRoles[0] (arn:aws:iam::111122223333:role/EKSMyExampleViewer) removed
#   aws-auth mapRoles[1] (arn:aws:iam::111122223333:role/EKSOperators) removed
#   aws-auth mapRoles[2] (arn:aws:iam::111122223333:role/myeks-node-role) removed
#   aws-auth mapRoles[3] (arn:aws:iam::111122223333:role/myeks-fargate-pods) removed
set -eu
cd -- "$(dirname -- "$0")"
kubectl apply --server-side --force-conflicts --field-manager=eks-access-migrate -f aws-auth.yaml
