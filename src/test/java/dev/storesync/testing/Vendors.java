package dev.storesync.testing;

import static dev.storesync.testing.Api.asAdmin;

/** Vendors for HTTP tests: a unique vendor with its exact name (as Shopify line items would carry it) and a key. */
public final class Vendors {

    private Vendors() {
    }

    /** One vendor and an API key bound to it. */
    public record Vendor(long id, String name, String key) {
    }

    /** Creates a vendor named {@code prefix} plus a unique suffix, and a vendor key for it. */
    public static Vendor create(String prefix) {
        long id = Api.newVendor(prefix);
        String name = asAdmin().get("/admin/vendors/" + id).then().statusCode(200).extract().path("name");
        return new Vendor(id, name, Api.newKey("vendor", id));
    }
}
