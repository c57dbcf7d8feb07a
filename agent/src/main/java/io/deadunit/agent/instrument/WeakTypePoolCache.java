package io.deadunit.agent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Byte Buddy's type-pool cache, one per class loader, holding the loaders weakly. Byte Buddy's
 * {@code WithTypePoolCache.Simple} keys a {@code ConcurrentMap} on the loader, strongly: every class loader that
 * ever loaded a class (notebooks, REPLs, redeploying servers create and drop them) stayed pinned with all its
 * classes. Together with {@link AgentBuilder.LocationStrategy.ForClassLoader#WEAK} (the cached type descriptions
 * read class files through a locator that holds the loader weakly too), a dropped loader can be collected; its
 * cache goes with it.
 */
final class WeakTypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
    private final Map<ClassLoader, TypePool.CacheProvider> byLoader = new WeakHashMap<>();
    private final TypePool.CacheProvider bootstrap = new TypePool.CacheProvider.Simple();

    WeakTypePoolCache() {
        super(TypePool.Default.ReaderMode.FAST);
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader loader) {
        if (loader == null) {
            return bootstrap;
        }
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, l -> new TypePool.CacheProvider.Simple());
        }
    }

    /** For tests: loaders with a cache right now. */
    int size() {
        synchronized (byLoader) {
            return byLoader.size();
        }
    }
}
