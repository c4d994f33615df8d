package dev.storesync.shipments.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CarriersTest {

    @Test
    void shouldMapJapaneseAndEnglishNamesToShopifyTrackingCompanies() {
        assertThat(Carriers.trackingCompany("ヤマト運輸")).isEqualTo("Yamato (JA)");
        assertThat(Carriers.trackingCompany("yamato")).isEqualTo("Yamato (JA)");
        assertThat(Carriers.trackingCompany("佐川急便")).isEqualTo("Sagawa (JA)");
        assertThat(Carriers.trackingCompany("Japan-Post")).isEqualTo("Japan Post (JA)");
        assertThat(Carriers.trackingCompany(" ups ")).isEqualTo("UPS");
        assertThat(Carriers.trackingCompany("DHL")).isEqualTo("DHL Express");
        assertThat(Carriers.trackingCompany("Fedex")).isEqualTo("FedEx");
        assertThat(Carriers.trackingCompany("usps")).isEqualTo("USPS");
    }

    @Test
    void shouldKeepUnknownCarrierAsTyped() {
        assertThat(Carriers.trackingCompany("  Neko Express ")).isEqualTo("Neko Express");
        assertThat(Carriers.isKnown("Neko Express")).isFalse();
        assertThat(Carriers.trackingCompany(null)).isNull();
    }
}
