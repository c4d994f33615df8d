package dev.storesync.security;

/** The three roles an API key can carry. */
public final class Roles {
    /** Manages shops, keys, vendors and everything operators can do. */
    public static final String ADMIN = "admin";
    /** The dashboard: reads and acts on all vendors' data. */
    public static final String OPERATOR = "operator";
    /** A vendor's own systems: sees and changes only that vendor's data. */
    public static final String VENDOR = "vendor";

    /** Identity attribute holding a vendor key's vendor id. */
    public static final String VENDOR_ID_ATTRIBUTE = "storesync.vendor-id";
    /** Identity attribute holding the stored key's id (absent for the bootstrap admin key). */
    public static final String API_KEY_ID_ATTRIBUTE = "storesync.api-key-id";
    /** Identity attribute holding the set of shop domains an operator key is limited to (absent: every shop). */
    public static final String SHOP_DOMAINS_ATTRIBUTE = "storesync.shop-domains";

    private Roles() {
    }
}
