package dev.storesync.shopify.client;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The closed set of outcomes of one Admin API call. Callers switch on it; every outcome but
 * success carries an operator message that says what happened and what to do.
 */
public sealed interface ShopifyResult {

    /** Whether retrying later, unchanged, can succeed (StoreSync does so on its own). */
    default boolean retryable() {
        return false;
    }

    OperatorMessage message();

    /** The call succeeded; {@code data} is the GraphQL {@code data} object. */
    record Success(JsonObject data, Integer actualCost) implements ShopifyResult {
        @Override
        public OperatorMessage message() {
            return new OperatorMessage("OK", "成功");
        }
    }

    /** One {@code userErrors} entry of a mutation payload. */
    record UserError(List<String> field, String message, String code) {
    }

    /** Shopify refused the change for business reasons (HTTP 200 with userErrors). */
    record UserErrors(String shop, List<UserError> errors) implements ShopifyResult {
        @Override
        public OperatorMessage message() {
            String joined = String.join("; ", errors.stream().map(UserError::message).toList());
            return new OperatorMessage("Shopify refused the change in " + shop + ": " + joined,
                    shop + " でShopifyが変更を拒否しました: " + joined);
        }
    }

    /** 401 even after a token refresh: the app must be re-authorized. */
    record Unauthorized(String shop) implements ShopifyResult {
        @Override
        public OperatorMessage message() {
            return new OperatorMessage("Shopify rejected StoreSync's access token for " + shop
                    + ". Re-authorize the app (open /shopify/install?shop=" + shop + ").",
                    "Shopifyが " + shop + " のアクセストークンを拒否しました。アプリを再認証してください（/shopify/install?shop="
                            + shop + " を開く）。");
        }
    }

    /** 403 or ACCESS_DENIED: a permission (scope) is missing; {@code scope} when Shopify names it. */
    record Forbidden(String shop, String scope, String detail) implements ShopifyResult {
        @Override
        public OperatorMessage message() {
            String what = scope == null ? "a required permission" : "the permission " + scope;
            String whatJa = scope == null ? "必要な権限" : "権限 " + scope;
            return new OperatorMessage("StoreSync lacks " + what + " in " + shop
                    + ". Re-authorize the app and approve the requested access.",
                    shop + " でStoreSyncに" + whatJa + "がありません。アプリを再認証し、アクセスを承認してください。");
        }
    }

    /** 404, or the shop is not one StoreSync serves. */
    record NotFound(String shop, String detail) implements ShopifyResult {
        @Override
        public OperatorMessage message() {
            return new OperatorMessage("Not found in " + shop + ": " + detail + ". It may have been deleted.",
                    shop + " で見つかりません: " + detail + "。削除された可能性があります。");
        }
    }

    /** 402 (frozen), 423 (locked), or a shop StoreSync has paused or that uninstalled the app. */
    record ShopUnavailable(String shop, int status, String reason) implements ShopifyResult {
        @Override
        public OperatorMessage message() {
            return switch (status) {
                case 402 -> new OperatorMessage(shop + " is frozen by Shopify (unpaid bill). StoreSync paused it; "
                        + "resume the shop once the merchant has paid.",
                        shop + " はShopifyにより凍結されています（未払い）。同期を一時停止しました。支払い後にショップを再開してください。");
                case 423 -> new OperatorMessage(shop + " is locked by Shopify. StoreSync paused it; contact Shopify "
                        + "support, then resume the shop.",
                        shop + " はShopifyによりロックされています。同期を一時停止しました。Shopifyサポートに連絡し、解除後に再開してください。");
                default -> new OperatorMessage(shop + " is not being served: " + reason + ".",
                        shop + " は現在処理対象外です: " + reason + "。");
            };
        }
    }

    /** Still rate-limited after waiting; retried automatically later. */
    record Throttled(String shop) implements ShopifyResult {
        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public OperatorMessage message() {
            return new OperatorMessage("Shopify's rate limit for " + shop + " is exhausted; StoreSync retries automatically.",
                    shop + " のShopify APIレート制限に達しました。自動的に再試行します。");
        }
    }

    /** Why a call got no usable answer, in words for people (technical details go to the log only). */
    enum Cause {
        NO_ANSWER("Shopify could not be reached or closed the connection", "Shopifyに接続できないか、接続が切断されました"),
        SERVER_ERROR("Shopify had a server error", "Shopify側でサーバーエラーが発生しました"),
        TIMED_OUT("Shopify did not answer in time", "Shopifyが時間内に応答しませんでした"),
        PAUSED_AFTER_FAILURES("calls to this shop are paused for a while because Shopify kept failing",
                "Shopifyのエラーが続いたため、このショップへの呼び出しを一時的に止めています"),
        TOKEN_ENDPOINT_UNANSWERED("Shopify's token service did not answer", "Shopifyのトークン発行サービスが応答しませんでした"),
        CHANGED_WHILE_READING("the data changed in Shopify while StoreSync read it page by page",
                "StoreSyncが読み取っている間にShopifyのデータが変更されました"),
        UNCLEAR_ANSWER("Shopify's answer did not say what it created", "Shopifyの応答に作成結果が含まれていませんでした");

        private final String en;
        private final String ja;

        Cause(String en, String ja) {
            this.en = en;
            this.ja = ja;
        }
    }

    /** 5xx, timeouts, dropped connections, an open circuit: retried automatically later. */
    record Transient(String shop, Cause cause) implements ShopifyResult {
        @Override
        public boolean retryable() {
            return true;
        }

        @Override
        public OperatorMessage message() {
            return new OperatorMessage("Shopify did not answer properly for " + shop + " (" + cause.en
                    + "); StoreSync retries automatically.",
                    shop + " でShopifyから正常な応答がありませんでした（" + cause.ja + "）。自動的に再試行します。");
        }
    }

    /** Shopify could not accept the request itself (GraphQL or HTTP 4xx): a StoreSync defect. */
    record Rejected(String shop, int status, String detail) implements ShopifyResult {
        @Override
        public OperatorMessage message() {
            return new OperatorMessage("Shopify could not accept StoreSync's request for " + shop + " (" + detail
                    + "). This is a StoreSync defect: please report it.",
                    shop + " へのStoreSyncのリクエストをShopifyが受け付けませんでした（" + detail + "）。StoreSyncの不具合です。報告してください。");
        }
    }
}
