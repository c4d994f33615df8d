package dev.storesync.inventory;

import io.quarkus.logging.Log;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * Sends the mails {@link InventoryAlerts} owes: one when a condition is raised, one when it clears.
 * A row is locked ({@code SKIP LOCKED}) while its mail is sent and marked sent in the same
 * transaction, so replicas never send the same mail twice; a failed send stays owed and is retried.
 * Without recipients or SMTP settings the mail is written to the log instead.
 */
@ApplicationScoped
public class AlertMails {

    /** Mails sent per delivery pass at most; the rest waits for the next pass. */
    private static final int MAX_PER_PASS = 50;
    /** An SMTP server that does not answer must not hold the row (and the pass) for long. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Pool pool;
    private final ReactiveMailer mailer;
    private final InventoryConfig.Alerts config;
    private final boolean enabled;
    private final AtomicBoolean delivering = new AtomicBoolean();

    AlertMails(Pool pool, ReactiveMailer mailer, InventoryConfig config, Config mpConfig) {
        this.pool = pool;
        this.mailer = mailer;
        this.config = config.alerts();
        this.enabled = config.alerts().emailTo().map(to -> !to.isEmpty()).orElse(false) && smtpConfigured(mpConfig);
    }

    /**
     * quarkus.mailer.host defaults to localhost; only a value the operator set (environment,
     * properties, profile) counts, and the mock mailer of dev mode counts too.
     */
    private static boolean smtpConfigured(Config c) {
        if (c.getOptionalValue("quarkus.mailer.mock", Boolean.class).orElse(false)) {
            return true;
        }
        ConfigValue host = c.getConfigValue("quarkus.mailer.host");
        return host.getValue() != null && !host.getValue().isBlank() && host.getSourceOrdinal() > 100;
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            Log.warn("Inventory alert mails are off: set STORESYNC_ALERT_EMAIL_TO and the SMTP settings "
                    + "(QUARKUS_MAILER_HOST, QUARKUS_MAILER_PORT, ...). Critical failures are only logged and "
                    + "shown at GET /admin/inventory/alerts.");
        }
    }

    boolean enabled() {
        return enabled;
    }

    /** Sends what is owed now, in the background (after an alert was raised or cleared). */
    void wake() {
        deliver().subscribe().with(sent -> { }, e -> Log.warnf(e, "Inventory alert mails could not be delivered"));
    }

    @Scheduled(every = "${storesync.inventory.alerts.mail-retry-interval:30S}", delayed = "5S",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> retryOwed() {
        return deliver().replaceWithVoid().onFailure().recoverWithUni(e -> {
            Log.warnf("Inventory alert mails could not be delivered, tried again later: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * Sends owed mails one by one until none is left, one fails, or the pass is full; answers how
     * many were sent. Mails tried least often go first, so one that keeps failing does not hold
     * back the others.
     */
    Uni<Integer> deliver() {
        if (!delivering.compareAndSet(false, true)) {
            return Uni.createFrom().item(0);
        }
        return next(0).eventually(() -> delivering.set(false));
    }

    private Uni<Integer> next(int sent) {
        if (sent >= MAX_PER_PASS) {
            return Uni.createFrom().item(sent);
        }
        return pool.withTransaction(c -> c.query("""
                SELECT a.partner_id, a.condition, a.active, a.detail, a.raised_at, a.cleared_at, p.display_name,
                       s.domain
                FROM inventory_alerts a JOIN partners p ON p.id = a.partner_id JOIN shops s ON s.id = p.shop_id
                WHERE NOT a.notified ORDER BY a.mail_attempts, a.raised_at LIMIT 1 FOR UPDATE OF a SKIP LOCKED""").execute()
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item((Boolean) null)
                        : send(c, rows.iterator().next())))
                .chain(ok -> ok == null || !ok ? Uni.createFrom().item(sent) : next(sent + 1));
    }

    /** True when the mail went out (or was logged); false when it failed and stays owed. */
    private Uni<Boolean> send(SqlClient c, Row r) {
        long partnerId = r.getLong("partner_id");
        String condition = r.getString("condition");
        Mail mail = mail(r);
        Uni<String> outcome = enabled
                ? mailer.send(mail).ifNoItem().after(SEND_TIMEOUT).fail().replaceWith((String) null)
                        .invoke(() -> Log.infof("Inventory alert mailed: %s", mail.getSubject()))
                        .onFailure().recoverWithItem(e -> {
                    Log.warnf("Inventory alert mail for partner %d (%s) failed, retried later: %s", partnerId,
                            condition, e.getMessage());
                    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                })
                : Uni.createFrom().item((String) null).invoke(() -> Log.warnf("Inventory alert (not mailed): %s%n%s",
                        mail.getSubject(), mail.getText()));
        return outcome.chain(error -> error == null
                ? c.preparedQuery("""
                        UPDATE inventory_alerts SET notified = TRUE, notified_at = now(), mail_attempts = mail_attempts + 1,
                            last_mail_error = NULL WHERE partner_id = $1 AND condition = $2""")
                        .execute(Tuple.of(partnerId, condition)).replaceWith(true)
                : c.preparedQuery("""
                        UPDATE inventory_alerts SET mail_attempts = mail_attempts + 1, last_mail_error = $3
                        WHERE partner_id = $1 AND condition = $2""")
                        .execute(Tuple.of(partnerId, condition, error)).replaceWith(false));
    }

    private Mail mail(Row r) {
        String partner = r.getString("display_name") + " (" + r.getString("domain") + ")";
        String condition = r.getString("condition");
        boolean active = r.getBoolean("active");
        String what = switch (condition) {
            case InventoryAlerts.TOKEN_INVALID -> "its access token is rejected";
            case InventoryAlerts.UNREACHABLE -> "its store cannot be reached";
            default -> "more than half of its items fail";
        };
        String subject = active
                ? "[StoreSync] Inventory sync of " + partner + " is failing: " + what
                : "[StoreSync] Inventory sync of " + partner + " recovered";
        String text;
        if (active) {
            String todo = switch (condition) {
                case InventoryAlerts.TOKEN_INVALID -> "Re-authorize the app in the partner store (open "
                        + "/shopify/install?shop=" + r.getString("domain") + ") or register a new token.";
                case InventoryAlerts.UNREACHABLE -> "StoreSync keeps trying on every run; check Shopify's status "
                        + "page if it lasts.";
                default -> "See the failed items of the last run: GET /admin/inventory/runs?partner="
                        + r.getLong("partner_id") + ".";
            };
            text = "The inventory sync of partner " + partner + " is failing since "
                    + r.getOffsetDateTime("raised_at").toInstant() + ": " + what + ".\n\n"
                    + (r.getString("detail") == null ? "" : "Detail: " + r.getString("detail") + "\n\n")
                    + "Until this is fixed, the owner store's stock of this partner's items is not updated.\n"
                    + todo + "\n\n"
                    + "This is the only mail about it until it clears; a recovery mail follows then.\n";
        } else {
            text = "The inventory sync of partner " + partner + " works again since "
                    + r.getOffsetDateTime("cleared_at").toInstant() + " (the problem was: " + what + ").\n";
        }
        return new Mail().setFrom(config.emailFrom()).setTo(config.emailTo().orElse(List.of()))
                .setSubject(subject).setText(text);
    }
}
