package dev.storesync.shopify.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GraphqlClassificationTest {

    private static final String SHOP = "a.myshopify.com";

    @Test
    void shouldReturnDataOnSuccess() {
        ShopifyResult r = ShopifyAdminClient.classifyGraphql(SHOP, new JsonObject(
                "{\"data\":{\"shop\":{\"name\":\"A\"}},\"extensions\":{\"cost\":{\"actualQueryCost\":1}}}"));
        assertThat(r).isInstanceOf(ShopifyResult.Success.class);
        assertThat(((ShopifyResult.Success) r).data().getJsonObject("shop").getString("name")).isEqualTo("A");
        assertThat(((ShopifyResult.Success) r).actualCost()).isEqualTo(1);
    }

    @Test
    void shouldSurfaceUserErrorsWithFieldAndBothLanguages() {
        ShopifyResult r = ShopifyAdminClient.classifyGraphql(SHOP, new JsonObject("""
                {"data":{"fulfillmentCreate":{"fulfillment":null,"userErrors":[
                  {"field":["fulfillment","lineItemsByFulfillmentOrder"],"message":"Quantity exceeds fulfillable quantity"}]}}}"""));
        assertThat(r).isInstanceOf(ShopifyResult.UserErrors.class);
        ShopifyResult.UserErrors u = (ShopifyResult.UserErrors) r;
        assertThat(u.errors().get(0).field()).containsExactly("fulfillment", "lineItemsByFulfillmentOrder");
        assertThat(u.message().en()).contains("Quantity exceeds fulfillable quantity");
        assertThat(u.message().ja()).contains("Shopifyが変更を拒否しました");
        assertThat(u.retryable()).isFalse();
    }

    @Test
    void shouldNameTheMissingScopeOfAccessDenied() {
        ShopifyResult r = ShopifyAdminClient.classifyGraphql(SHOP, new JsonObject("""
                {"errors":[{"message":"Access denied for fulfillmentOrders field. Required access: `read_merchant_managed_fulfillment_orders` access scope.","extensions":{"code":"ACCESS_DENIED"}}]}"""));
        assertThat(r).isInstanceOf(ShopifyResult.Forbidden.class);
        assertThat(((ShopifyResult.Forbidden) r).scope()).isEqualTo("read_merchant_managed_fulfillment_orders");
        assertThat(r.message().en()).contains("read_merchant_managed_fulfillment_orders");
        assertThat(r.message().ja()).contains("read_merchant_managed_fulfillment_orders");
    }

    @Test
    void shouldClassifyThrottledAsRetryable() {
        ShopifyResult r = ShopifyAdminClient.classifyGraphql(SHOP, new JsonObject(
                "{\"errors\":[{\"message\":\"Throttled\",\"extensions\":{\"code\":\"THROTTLED\"}}]}"));
        assertThat(r).isInstanceOf(ShopifyResult.Throttled.class);
        assertThat(r.retryable()).isTrue();
    }

    @Test
    void shouldTreatOtherGraphqlErrorsAsRejectedRequests() {
        ShopifyResult r = ShopifyAdminClient.classifyGraphql(SHOP, new JsonObject(
                "{\"errors\":[{\"message\":\"Field 'nope' doesn't exist on type 'Shop'\"}]}"));
        assertThat(r).isInstanceOf(ShopifyResult.Rejected.class);
        assertThat(r.message().en()).contains("nope").contains("defect");
    }
}
