package dev.storesync.platform.fake;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a {@link FakePlatform} on a free port for Quarkus tests, points
 * {@code storesync.platform.base-url} and {@code .token} at it and injects it into fields annotated
 * with {@link InjectFakePlatform}.
 */
public class FakePlatformResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "test-platform-token";

    private FakePlatform platform;

    @Override
    public Map<String, String> start() {
        platform = new FakePlatform(TOKEN).start();
        return Map.of("storesync.platform.base-url", platform.baseUrl(), "storesync.platform.token", TOKEN);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(platform,
                new TestInjector.AnnotatedAndMatchesType(InjectFakePlatform.class, FakePlatform.class));
    }

    @Override
    public void stop() {
        if (platform != null) {
            platform.stop();
        }
    }
}
