#!/bin/sh
# Stage 1 of the aws-auth -> access entries migration of cluster myeks (snapshot live-config-map.json): access entries beside aws-auth (API_AND_CONFIG_MAP).
# Written by `eks-access migrate --snapshot`; run the stages in order, each after the one before succeeded.
# kubectl must point at the cluster. Changes:
#   UpdateClusterConfig: authenticationMode CONFIG_MAP -> API_AND_CONFIG_MAP
#   CreateAccessEntry arn:aws:iam::111122223333:role/EKSMyExampleViewer (STANDARD, username developer, groups [developers]) for mapRoles[0]
#   CreateAccessEntry arn:aws:iam::111122223333:role/EKSOperators (STANDARD, username operators:{{SessionName}}, groups [operators]) for mapRoles[1]
#   CreateAccessEntry arn:aws:iam::111122223333:role/myeks-node-role (EC2_LINUX: EKS gives it the node identity) for mapRoles[2]
#   CreateAccessEntry arn:aws:iam::111122223333:role/myeks-fargate-pods (FARGATE_LINUX: EKS gives it the node identity) for mapRoles[3]
set -eu
cd -- "$(dirname -- "$0")"
aws eks update-cluster-config --region ap-northeast-2 --cli-input-json file://01-update-cluster-config-cluster.json
aws eks wait cluster-active --region ap-northeast-2 --name myeks
aws eks create-access-entry --region ap-northeast-2 --cli-input-json file://02-create-access-entry-EKSMyExampleViewer.json
aws eks create-access-entry --region ap-northeast-2 --cli-input-json file://03-create-access-entry-EKSOperators.json
aws eks describe-access-entry --region ap-northeast-2 --cluster-name myeks --principal-arn arn:aws:iam::111122223333:role/myeks-node-role >/dev/null 2>&1 || aws eks create-access-entry --region ap-northeast-2 --cli-input-json file://04-create-access-entry-myeks-node-role.json
aws eks describe-access-entry --region ap-northeast-2 --cluster-name myeks --principal-arn arn:aws:iam::111122223333:role/myeks-fargate-pods >/dev/null 2>&1 || aws eks create-access-entry --region ap-northeast-2 --cli-input-json file://05-create-access-entry-myeks-fargate-pods.json
kubectl apply --server-side --force-conflicts --field-manager=eks-access-migrate -f aws-auth.yaml
