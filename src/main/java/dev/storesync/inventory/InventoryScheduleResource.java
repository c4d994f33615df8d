package dev.storesync.inventory;

import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.util.List;
import org.jboss.resteasy.reactive.RestQuery;

/** The schedule's runtime settings and the partners' critical-failure alerts. */
@Path("/admin/inventory")
@RolesAllowed(Roles.ADMIN)
public class InventoryScheduleResource {

    private final InventorySchedule schedule;
    private final InventoryAlerts alerts;

    public InventoryScheduleResource(InventorySchedule schedule, InventoryAlerts alerts) {
        this.schedule = schedule;
        this.alerts = alerts;
    }

    @GET
    @Path("/schedule")
    public Uni<InventoryDtos.ScheduleView> getSchedule() {
        return schedule.get();
    }

    /** Applies from the next tick on; no restart. */
    @PUT
    @Path("/schedule")
    public Uni<InventoryDtos.ScheduleView> setSchedule(@Valid @NotNull InventoryDtos.ScheduleRequest body) {
        return schedule.set(body);
    }

    /** Active conditions first; {@code active=true} leaves out the cleared ones. */
    @GET
    @Path("/alerts")
    public Uni<List<InventoryDtos.AlertView>> alerts(@RestQuery Boolean active) {
        return alerts.list(Boolean.TRUE.equals(active));
    }
}
