package dev.storesync.security;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepository<ApiKey> {

    Uni<List<ApiKey>> listNewestFirst() {
        return find("order by id desc").list();
    }
}
