package dev.storesync.vendors;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;

public final class VendorDtos {

    private VendorDtos() {
    }

    public record CreateRequest(@NotBlank @Size(max = 200) String name) {
    }

    public record View(long id, String name, Instant createdAt) {
        static View of(Vendor v) {
            return new View(v.id, v.name, v.createdAt);
        }
    }
}
