package dev.storesync.testing;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Lets a test stop and restart the embedded test database. The test resource and the test class
 * may live in different class loaders, so the handle is a platform MBean, which both can reach.
 */
public final class DatabaseControl {

    /** Operations of the registered MBean. */
    public interface ControlMBean {
        void stop();

        void start();
    }

    private static final String NAME = "dev.storesync.test:type=EmbeddedPostgres";

    private DatabaseControl() {
    }

    static void register(Runnable stop, Runnable start) {
        ControlMBean control = new ControlMBean() {
            @Override
            public void stop() {
                stop.run();
            }

            @Override
            public void start() {
                start.run();
            }
        };
        try {
            unregister();
            server().registerMBean(new StandardMBean(control, ControlMBean.class), new ObjectName(NAME));
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    static void unregister() {
        try {
            ObjectName name = new ObjectName(NAME);
            if (server().isRegistered(name)) {
                server().unregisterMBean(name);
            }
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** False when the tests run against an external server, which they must not stop. */
    public static boolean available() {
        try {
            return server().isRegistered(new ObjectName(NAME));
        } catch (JMException e) {
            return false;
        }
    }

    public static void stop() {
        invoke("stop");
    }

    public static void start() {
        invoke("start");
    }

    private static void invoke(String operation) {
        try {
            server().invoke(new ObjectName(NAME), operation, null, null);
        } catch (JMException e) {
            throw new IllegalStateException("Could not " + operation + " the test database", e);
        }
    }

    private static MBeanServer server() {
        return ManagementFactory.getPlatformMBeanServer();
    }
}
