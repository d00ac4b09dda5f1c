package dev.baton.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Times every call of a store port (workflow repository, event log) as {@code db.query.duration}, tagged
 * with the port and the method: each call is one or a few SQL statements in one transaction.
 */
final class DbQueryTiming {
    private DbQueryTiming() {
    }

    static <T> T timed(Class<T> port, T target, MeterRegistry meters) {
        String name = port.getSimpleName();
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class || method.isDefault()) {
                if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
                return invoke(method, target, args);
            }
            long start = System.nanoTime();
            boolean ok = false;
            try {
                Object r = invoke(method, target, args);
                ok = true;
                return r;
            } finally {
                Timer.builder("db.query.duration").tag("port", name).tag("operation", method.getName()).tag("outcome", ok ? "success" : "failure")
                        .description("Store (SQL) calls of the engine").register(meters).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        };
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[]{port}, h));
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
