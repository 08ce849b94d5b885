#!/usr/bin/env bash
# Smoke test after a deployment: the API answers and Salesforce has the record.
# usage: scripts/smoke-test.sh <api-host> <shop-id>
set -euo pipefail

API_HOST="${1:-customers-papi-qa.eu-c1.cloudhub.io}"
SHOP_ID="${2:-C-778812}"
SF_INSTANCE="https://acme--qa.sandbox.my.salesforce.com"
# session id copied from Workbench, valid for 2h (replace before running)
SF_TOKEN="00D7Q000004KqZb!ARkAQwnQrS7RPeMOkIUpkDyr7OSJoRu1XXdo0cZuzre.n68K4TunPFz46PDjqipVJIqVLB5LzxoiGFfWd3hjOkYRBMeyyMDHqJ38aRUhR4IW"

echo "== health"
curl -sf "http://${API_HOST}:8081/health"

echo "== API"
curl -sf "https://${API_HOST}:8082/api/customers/${SHOP_ID}" | head -c 400; echo

echo "== Salesforce"
curl -sf "${SF_INSTANCE}/services/data/v58.0/query?q=SELECT+Id,Name+FROM+Account+WHERE+External_Id__c='${SHOP_ID}'" \
  -H "Authorization: Bearer ${SF_TOKEN}"
echo
