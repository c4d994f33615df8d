package dev.storesync.shopify.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storesync.StoreSyncConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ShopifySimulatorResourceTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    StoreSyncConfig config;

    @Test
    void shouldInjectTheSimulatorAndPointTheServiceAtIt() {
        assertThat(sim).isNotNull();
        assertThat(config.shopify().adminBaseUrl()).isEqualTo(sim.adminBaseUrl());
        assertThat(config.shopify().clientId()).hasValue(sim.clientId());
        assertThat(config.shopify().clientSecret()).hasValue(sim.clientSecret());
    }
}
