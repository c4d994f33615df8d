package dev.storesync.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which approval values are shown, and the one WARN per unknown value. */
class ApprovalFilterTest {

    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(ApprovalFilter.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    @Test
    void approvedIsInPendingAndRejectedAreOut() {
        ApprovalFilter filter = new ApprovalFilter();
        assertThat(filter.includes("approved")).isTrue();
        assertThat(filter.includes("pending_approval")).isFalse();
        assertThat(filter.includes("pending_prepayment")).isFalse();
        assertThat(filter.includes("rejected")).isFalse();
        assertThat(filter.includes(" Rejected ")).as("as the platform may case or pad it").isFalse();
        assertThat(warnings).isEmpty();
    }

    @Test
    void anUnknownValueIsInAndWarnedOncePerValue() {
        ApprovalFilter filter = new ApprovalFilter();
        assertThat(filter.includes("on_hold")).isTrue();
        assertThat(filter.includes("on_hold")).isTrue();
        assertThat(filter.includes("awaiting_art")).isTrue();
        assertThat(filter.includes(null)).as("no approval value at all").isTrue();
        assertThat(filter.includes(null)).isTrue();
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0).getMessage()).contains("on_hold");
    }
}
