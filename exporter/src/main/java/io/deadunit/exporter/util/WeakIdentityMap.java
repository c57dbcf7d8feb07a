package io.deadunit.exporter.util;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A concurrent map keyed by object identity that holds its keys weakly, so that the application's objects (layers,
 * models) can be garbage-collected while we track them. Identity matters: DL4J layers are Lombok {@code @Data}
 * classes whose {@code hashCode} walks their parameters and changes as they train.
 */
public final class WeakIdentityMap<K, V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<K> queue = new ReferenceQueue<>();

    public V get(K key) {
        return map.get(new LookupKey(key));
    }

    public V computeIfAbsent(K key, Function<? super K, ? extends V> factory) {
        V existing = get(key);
        if (existing != null) {
            return existing;
        }
        return map.computeIfAbsent(new WeakKey<>(key, queue), k -> factory.apply(key));
    }

    public V remove(K key) {
        return map.remove(new LookupKey(key));
    }

    public int size() {
        return map.size();
    }

    /** Drops entries whose keys were collected and returns their values. */
    public List<V> expunge() {
        List<V> removed = new ArrayList<>();
        Object stale;
        while ((stale = queue.poll()) != null) {
            V value = map.remove(stale);
            if (value != null) {
                removed.add(value);
            }
        }
        return removed;
    }

    public List<V> values() {
        return new ArrayList<>(map.values());
    }

    /** Identity of a key: its identity hash code, and the referent compared with ==. */
    private interface IdentityKey {
        Object referent();
    }

    private static boolean sameKey(IdentityKey a, Object other) {
        if (!(other instanceof IdentityKey)) {
            return false;
        }
        Object referent = a.referent();
        return referent != null && referent == ((IdentityKey) other).referent();
    }

    private static final class WeakKey<K> extends WeakReference<K> implements IdentityKey {
        private final int hash;

        WeakKey(K key, ReferenceQueue<K> queue) {
            super(key, queue);
            this.hash = System.identityHashCode(key);
        }

        @Override
        public Object referent() {
            return get();
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other == this || sameKey(this, other);
        }
    }

    private static final class LookupKey implements IdentityKey {
        private final Object key;

        LookupKey(Object key) {
            this.key = key;
        }

        @Override
        public Object referent() {
            return key;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(key);
        }

        @Override
        public boolean equals(Object other) {
            return sameKey(this, other);
        }
    }
}
