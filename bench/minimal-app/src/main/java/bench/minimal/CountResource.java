package bench.minimal;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** One endpoint that answers from the database, as every StoreSync API call does. */
@Path("/count")
public class CountResource {

    private final Pool pool;

    public CountResource(Pool pool) {
        this.pool = pool;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Uni<String> count() {
        return pool.query("SELECT count(*) AS n FROM pg_class").execute()
                .map(rows -> String.valueOf(rows.iterator().next().getLong("n")));
    }
}
