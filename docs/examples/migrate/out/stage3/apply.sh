#!/bin/sh
# Stage 3 of the aws-auth -> access entries migration of cluster myeks (snapshot live-config-map.json): API: aws-auth no longer read.
# Written by `eks-access migrate --snapshot`; run the stages in order, each after the one before succeeded.
# Changes:
#   UpdateClusterConfig: authenticationMode API_AND_CONFIG_MAP -> API
set -eu
cd -- "$(dirname -- "$0")"
aws eks update-cluster-config --region ap-northeast-2 --cli-input-json file://01-update-cluster-config-cluster.json
aws eks wait cluster-active --region ap-northeast-2 --name myeks
