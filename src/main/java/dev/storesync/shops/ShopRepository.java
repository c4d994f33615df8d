package dev.storesync.shops;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ShopRepository implements PanacheRepository<Shop> {

    public Uni<Shop> findByDomain(String domain) {
        return find("domain", domain).firstResult();
    }

    Uni<List<Shop>> listByState(String state) {
        return state == null ? listAll(Sort.by("domain")) : list("state", Sort.by("domain"), state);
    }
}
