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

    private Roles() {
    }
}
