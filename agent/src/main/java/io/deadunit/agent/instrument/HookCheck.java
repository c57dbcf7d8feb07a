package io.deadunit.agent.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, once per DL4J class loader, that the methods the agent hooks ({@link Hook}) exist with the signatures it
 * expects, and names each feature that is off when one does not (another DL4J version). Reads class files without
 * loading them, so it is safe to run while classes are being loaded.
 */
final class HookCheck {
    private HookCheck() {
    }

    /** One line per missing hook, saying which feature is off; empty when everything is in place. */
    static List<String> missingFeatures(ClassLoader loader) {
        TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
        List<String> missing = new ArrayList<>();
        Set<String> absentTypes = new HashSet<>();
        for (Hook hook : Hook.values()) {
            if (hook.feature() != null) {
                require(pool, hook.declaringType(), hook.method(), hook.signature(), hook.feature(), missing,
                        absentTypes);
            }
        }
        return missing;
    }

    private static void require(TypePool pool, String type, ElementMatcher<? super MethodDescription> method,
                                String signature, String feature, List<String> missing, Set<String> absentTypes) {
        TypePool.Resolution resolution = pool.describe(type);
        if (!resolution.isResolved()) {
            if (absentTypes.add(type)) { // a missing type is named once, with its first hook's feature
                missing.add(type + " not found: " + feature + " off");
            }
            return;
        }
        TypeDescription description = resolution.resolve();
        if (description.getDeclaredMethods().filter(method).isEmpty()) {
            missing.add(simpleName(type) + "." + signature + " not found: " + feature + " off");
        }
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
