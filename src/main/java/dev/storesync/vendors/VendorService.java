package dev.storesync.vendors;

import dev.storesync.kernel.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class VendorService {

    private final VendorRepository vendors;

    public VendorService(VendorRepository vendors) {
        this.vendors = vendors;
    }

    @WithTransaction
    public Uni<VendorDtos.View> create(VendorDtos.CreateRequest request) {
        String name = request.name().trim();
        return vendors.findByName(name).chain(existing -> {
            if (existing != null) {
                throw ProblemException.conflict("A vendor named '" + name + "' already exists (id " + existing.id + ")");
            }
            Vendor vendor = new Vendor();
            vendor.name = name;
            vendor.createdAt = Instant.now();
            vendor.updatedAt = vendor.createdAt;
            return vendors.persist(vendor);
        }).map(v -> {
            Log.infof("Vendor %d '%s' created", v.id, v.name);
            return VendorDtos.View.of(v);
        });
    }

    @WithSession
    public Uni<List<VendorDtos.View>> list() {
        return vendors.listAll(io.quarkus.panache.common.Sort.by("name"))
                .map(list -> list.stream().map(VendorDtos.View::of).toList());
    }

    @WithSession
    public Uni<VendorDtos.View> get(long id) {
        return vendors.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("No vendor with id " + id))
                .map(VendorDtos.View::of);
    }
}
