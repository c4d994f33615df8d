package dev.storesync.shopify.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OAuthSignaturesTest {

    private static final String SECRET = "hush";

    private static String signed(String params) {
        return params + "&hmac=" + OAuthSignatures.sign(params, SECRET);
    }

    @Test
    void shouldAcceptShopifysSortedParameterSignature() {
        String query = "shop=a.myshopify.com&code=abc&timestamp=1700000000&state=xyz";
        String sorted = "code=abc&shop=a.myshopify.com&state=xyz&timestamp=1700000000";
        assertThat(OAuthSignatures.verify(query + "&hmac=" + OAuthSignatures.sign(sorted, SECRET), SECRET)).isTrue();
    }

    @Test
    void shouldAcceptEncodedValuesSignedEncodedOrDecoded() {
        String encoded = "host=YWJj%3D%3D&shop=a.myshopify.com";
        assertThat(OAuthSignatures.verify(signed(encoded), SECRET)).isTrue();
        assertThat(OAuthSignatures.verify(encoded + "&hmac=" + OAuthSignatures.sign("host=YWJj==&shop=a.myshopify.com", SECRET),
                SECRET)).isTrue();
    }

    @Test
    void shouldRejectTamperingMissingHmacAndWrongSecret() {
        String good = signed("code=abc&shop=a.myshopify.com&timestamp=1");
        assertThat(OAuthSignatures.verify(good.replace("code=abc", "code=abd"), SECRET)).isFalse();
        assertThat(OAuthSignatures.verify("code=abc&shop=a.myshopify.com", SECRET)).isFalse();
        assertThat(OAuthSignatures.verify(good, "other")).isFalse();
        assertThat(OAuthSignatures.verify(good, "")).isFalse();
    }
}
