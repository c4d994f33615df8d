#!/usr/bin/env bash
# Training run for JDK 25's AOT cache, inside the image build (Dockerfile.jvm), and usable by hand:
#
#   src/main/docker/aot-training.sh APP_DIR PGBIN_DIR [JVM_OPTION...]
#
# Starts a throwaway PostgreSQL (initdb from PGBIN_DIR) on a loopback port, then the application in
# APP_DIR with -XX:AOTCacheOutput=APP_DIR/app.aot and the given JVM options (use the ones production
# runs with: the cache is checked against them), drives the real paths (migrations on an empty
# database, readiness, authenticated admin API calls, a shop registration whose GraphQL webhook
# subscriptions go to an address where nothing listens, signed webhooks stored and dispatched, an order
# import, a shipment registration and its sync attempt), stops the application (the JVM writes the
# cache as it exits), and removes the database.
set -euo pipefail
app_dir=$(cd "$1" && pwd); pgbin=$2; shift 2
work=$(mktemp -d)
pg_port=${AOT_TRAINING_PG_PORT:-55432}
http_port=${AOT_TRAINING_HTTP_PORT:-18089}
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ "$(id -u)" == 0 ]] && chown postgres "$work"
cleanup() {
  [[ -n "${app:-}" ]] && kill "$app" 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$work/pg" -U storesync --auth=trust -E UTF8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-h 127.0.0.1 -p $pg_port -k $work" start >/dev/null
as_pg "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U storesync -d postgres -qAtc 'CREATE DATABASE storesync'

secret=training-client-secret
admin=training-admin-key
export STORESYNC_DB_URL="postgresql://127.0.0.1:$pg_port/storesync" STORESYNC_DB_USER=storesync
export STORESYNC_CRYPTO_KEYS="t1:$(head -c 32 /dev/urandom | base64)" STORESYNC_CRYPTO_ACTIVE_KEY_ID=t1
export STORESYNC_BOOTSTRAP_ADMIN_KEY=$admin STORESYNC_SHOPIFY_CLIENT_ID=training STORESYNC_SHOPIFY_CLIENT_SECRET=$secret
export STORESYNC_SHOPIFY_ADMIN_BASE_URL="http://127.0.0.1:9/{shop}"
(cd "$app_dir" && exec java -XX:AOTCacheOutput=app.aot "$@" -Dquarkus.http.port="$http_port" -jar quarkus-run.jar) \
  > "$work/app.log" 2>&1 &
app=$!
base=http://127.0.0.1:$http_port
for _ in $(seq 1 1200); do curl -sf "$base/q/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$base/q/health/ready" >/dev/null || { cat "$work/app.log" >&2; exit 1; }

api() { curl -s -o "$work/out.json" -w '%{http_code}\n' -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$@"; }
json() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$work/out.json" | head -1; }
shop=training.myshopify.com
api -X POST -d "{\"domain\":\"$shop\",\"accessToken\":\"shpat_training\"}" "$base/admin/shops"
api -X POST -d '{"name":"Training Vendor"}' "$base/admin/vendors"
vendor=$(json id)
api -X POST -d "{\"name\":\"training vendor key\",\"role\":\"vendor\",\"vendorId\":$vendor}" "$base/admin/api-keys"
vendor_key=$(json apiKey)

webhook() { # topic body
  local sig
  sig=$(printf '%s' "$2" | openssl dgst -sha256 -hmac "$secret" -binary | base64 -w0)
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "$base/webhooks/shopify" -H 'Content-Type: application/json' \
    -H "X-Shopify-Hmac-Sha256: $sig" -H "X-Shopify-Topic: $1" -H "X-Shopify-Shop-Domain: $shop" \
    -H "X-Shopify-Webhook-Id: $(cat /proc/sys/kernel/random/uuid)" -H "X-Shopify-API-Version: 2026-10" -d "$2"
}
for n in 1 2 3; do
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  webhook orders/create "{\"id\":$((820000 + n)),\"admin_graphql_api_id\":\"gid://shopify/Order/$((820000 + n))\",\"name\":\"#T$n\",\"created_at\":\"$now\",\"updated_at\":\"$now\",\"financial_status\":\"paid\",\"currency\":\"JPY\",\"line_items\":[{\"id\":$((830000 + n)),\"admin_graphql_api_id\":\"gid://shopify/LineItem/$((830000 + n))\",\"title\":\"Cup\",\"sku\":\"CUP-$n\",\"vendor\":\"Training Vendor\",\"quantity\":2,\"current_quantity\":2,\"requires_shipping\":true}]}"
done
webhook inventory_levels/update '{"inventory_item_id":1,"location_id":1,"available":3}'
sleep 3
api "$base/orders?name=%23T1" >/dev/null
order=$(json id)
line=$(sed -n 's/.*"lines":\[{"id":\([0-9]*\).*/\1/p' "$work/out.json")
if [[ -n "$order" && -n "$line" && -n "$vendor_key" ]]; then
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "$base/orders/$order/shipments" -H "Authorization: Bearer $vendor_key" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: training-1' \
    -d "{\"lines\":[{\"lineItemId\":$line,\"quantity\":1}],\"trackingNumber\":\"TRAIN-1\",\"carrier\":\"ヤマト運輸\",\"notifyCustomer\":false}"
fi
for path in /admin/shops /admin/vendors /admin/webhooks/inbox /admin/queues /shipments /sync/orders /q/metrics /q/openapi; do
  for _ in 1 2 3 4 5; do api "$base$path" >/dev/null; done
done
sleep 2
kill "$app"; wait "$app" || true; app=""
[[ -s "$app_dir/app.aot" ]] || { tail -40 "$work/app.log" >&2; echo "no AOT cache written" >&2; exit 1; }
echo "AOT cache: $app_dir/app.aot ($(du -m "$app_dir/app.aot" | cut -f1) MiB)"
