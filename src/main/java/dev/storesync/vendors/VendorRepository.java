package dev.storesync.vendors;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class VendorRepository implements PanacheRepository<Vendor> {

    Uni<Vendor> findByName(String name) {
        return find("lower(name) = lower(?1)", name).firstResult();
    }
}
