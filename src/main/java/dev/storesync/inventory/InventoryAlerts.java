package dev.storesync.inventory;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Critical failures of a partner, one {@code inventory_alerts} row per partner and condition. A
 * condition is raised once while it lasts and cleared when a run shows it gone; each change leaves
 * one mail to send ({@link AlertMails}), so runs repeating the same failure send nothing more.
 */
@ApplicationScoped
public class InventoryAlerts {

    static final String TOKEN_INVALID = "token_invalid";
    static final String UNREACHABLE = "unreachable";
    static final String ITEMS_FAILING = "items_failing";

    private final Pool pool;
    private final AlertMails mails;

    InventoryAlerts(Pool pool, AlertMails mails) {
        this.pool = pool;
        this.mails = mails;
    }

    /**
     * Raises or clears the partner's conditions after its part of a run. A partner that failed for
     * a reason that says nothing about it (the owner could not be read, an unexpected error) changes
     * nothing; a partner whose token failed says nothing about its items either.
     */
    Uni<Void> evaluate(long runId, Partners.Partner partner, InventorySweep.PartnerOutcome o) {
        InventorySweep.FailureKind kind = o.failureKind();
        if (kind == InventorySweep.FailureKind.OWNER_UNAVAILABLE || kind == InventorySweep.FailureKind.OTHER) {
            return Uni.createFrom().voidItem();
        }
        Uni<Boolean> token = kind == InventorySweep.FailureKind.PARTNER_TOKEN_INVALID
                ? raise(partner, TOKEN_INVALID, o.error()) : clear(partner, TOKEN_INVALID);
        Uni<Boolean> unreachable = kind == InventorySweep.FailureKind.PARTNER_UNREACHABLE
                ? raise(partner, UNREACHABLE, o.error()) : clear(partner, UNREACHABLE);
        Uni<Boolean> items = kind != null ? Uni.createFrom().item(false) : itemsFailing(runId, partner, o);
        return token.chain(a -> unreachable.chain(b -> items.map(c -> a || b || c)))
                .invoke(changed -> {
                    if (changed) {
                        mails.wake();
                    }
                }).replaceWithVoid();
    }

    /** More than half of the items failing is critical when the partner's previous run said so too. */
    private Uni<Boolean> itemsFailing(long runId, Partners.Partner partner, InventorySweep.PartnerOutcome o) {
        if (!overHalf(o.checked(), o.failures().size())) {
            return clear(partner, ITEMS_FAILING);
        }
        return pool.preparedQuery("""
                SELECT checked, failed FROM inventory_sync_run_partners WHERE partner_id = $1 AND run_id < $2
                ORDER BY run_id DESC LIMIT 1""").execute(Tuple.of(partner.id(), runId)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    Row previous = rows.iterator().next();
                    if (!overHalf(previous.getInteger("checked"), previous.getInteger("failed"))) {
                        return Uni.createFrom().item(false);
                    }
                    return raise(partner, ITEMS_FAILING, o.failures().size() + " of " + o.checked()
                            + " items failed in this run and more than half in the run before; first reason: "
                            + o.failures().get(0).reason());
                });
    }

    private static boolean overHalf(int checked, int failed) {
        return checked > 0 && failed * 2 > checked;
    }

    /**
     * True when the condition was not active. Its mail is then owed, except when a recovery mail
     * was still owed: the alert mailed before still stands, so both are dropped ({@code notified}
     * flips in both cases).
     */
    private Uni<Boolean> raise(Partners.Partner partner, String condition, String detail) {
        return pool.preparedQuery("""
                INSERT INTO inventory_alerts (partner_id, condition, active, detail, raised_at)
                VALUES ($1, $2, TRUE, $3, now())
                ON CONFLICT (partner_id, condition) DO UPDATE SET active = TRUE, detail = EXCLUDED.detail,
                    raised_at = now(), cleared_at = NULL, notified = NOT inventory_alerts.notified,
                    mail_attempts = 0, last_mail_error = NULL
                WHERE NOT inventory_alerts.active RETURNING partner_id""")
                .execute(Tuple.of(partner.id(), condition, detail)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return false;
                    }
                    Log.warnf("Inventory alert: partner %d (%s) %s: %s", partner.id(), partner.displayName(),
                            condition, detail);
                    return true;
                });
    }

    /**
     * True when the condition was active. A recovery mail is then owed if the alert was mailed;
     * if the alert mail was still owed, neither is sent ({@code notified} flips in both cases).
     */
    private Uni<Boolean> clear(Partners.Partner partner, String condition) {
        return pool.preparedQuery("""
                UPDATE inventory_alerts SET active = FALSE, cleared_at = now(), notified = NOT notified,
                    mail_attempts = 0, last_mail_error = NULL
                WHERE partner_id = $1 AND condition = $2 AND active RETURNING partner_id""")
                .execute(Tuple.of(partner.id(), condition)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return false;
                    }
                    Log.infof("Inventory alert cleared: partner %d (%s) %s", partner.id(), partner.displayName(),
                            condition);
                    return true;
                });
    }

    /** Active conditions first, then cleared ones, newest first. */
    public Uni<List<InventoryDtos.AlertView>> list(boolean activeOnly) {
        return pool.preparedQuery("""
                SELECT a.*, p.display_name FROM inventory_alerts a JOIN partners p ON p.id = a.partner_id
                WHERE a.active OR NOT $1 ORDER BY a.active DESC, a.raised_at DESC""")
                .execute(Tuple.of(activeOnly)).map(rows -> {
                    List<InventoryDtos.AlertView> out = new ArrayList<>();
                    for (Row r : rows) {
                        OffsetDateTime cleared = r.getOffsetDateTime("cleared_at");
                        boolean active = r.getBoolean("active");
                        out.add(new InventoryDtos.AlertView(r.getLong("partner_id"), r.getString("display_name"),
                                r.getString("condition"), active, r.getString("detail"),
                                r.getOffsetDateTime("raised_at").toInstant(), cleared == null ? null : cleared.toInstant(),
                                r.getBoolean("notified") && mails.enabled(), r.getString("last_mail_error")));
                    }
                    return out;
                });
    }
}
