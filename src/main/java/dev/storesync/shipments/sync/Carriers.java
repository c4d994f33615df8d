package dev.storesync.shipments.sync;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps what vendors type as a carrier to the tracking company names Shopify knows, so Shopify can
 * build the tracking link itself. An unknown carrier is sent as typed, with the tracking URL.
 */
public final class Carriers {

    private static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        alias("Yamato (JA)", "yamato", "yamato transport", "kuroneko", "ヤマト", "ヤマト運輸", "クロネコヤマト", "宅急便");
        alias("Sagawa (JA)", "sagawa", "sagawa express", "佐川", "佐川急便");
        alias("Japan Post (JA)", "japan post", "jp post", "japanpost", "日本郵便", "ゆうパック", "郵便");
        alias("Seino (JA)", "seino", "西濃", "西濃運輸");
        alias("UPS", "ups", "united parcel service");
        alias("FedEx", "fedex", "federal express");
        alias("DHL Express", "dhl", "dhl express");
        alias("USPS", "usps", "united states postal service");
        alias("Canada Post", "canada post");
        alias("Royal Mail", "royal mail");
    }

    private Carriers() {
    }

    private static void alias(String company, String... names) {
        KNOWN.put(normalise(company), company);
        for (String name : names) {
            KNOWN.put(normalise(name), company);
        }
    }

    /** Shopify's tracking company for a carrier name, or the name as given when unknown. */
    public static String trackingCompany(String carrier) {
        if (carrier == null || carrier.isBlank()) {
            return null;
        }
        return KNOWN.getOrDefault(normalise(carrier), carrier.trim());
    }

    public static boolean isKnown(String carrier) {
        return carrier != null && KNOWN.containsKey(normalise(carrier));
    }

    private static String normalise(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_.-]+", " ");
    }
}
