package io.deadunit.agent.instrument;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        List<String> missing = new ArrayList<>();
        // Declared methods per type, read once; null for a type the loader does not have.
        Map<String, List<String[]>> declared = new HashMap<>();
        for (Hook hook : Hook.values()) {
            if (hook.feature() == null) {
                continue;
            }
            String type = hook.declaringType();
            boolean seen = declared.containsKey(type);
            List<String[]> methods = seen ? declared.get(type) : declaredMethods(loader, type);
            declared.put(type, methods);
            if (methods == null) {
                if (!seen) { // a missing type is named once, with its first hook's feature
                    missing.add(type.replace('/', '.') + " not found: " + hook.feature() + " off");
                }
            } else if (methods.stream().noneMatch(m -> hook.matches(Integer.parseInt(m[0]), m[1], m[2]))) {
                missing.add(simpleName(type) + "." + hook.signature() + " not found: " + hook.feature() + " off");
            }
        }
        return missing;
    }

    /** {access, name, descriptor} of each method the type declares; null when its class file is not there. */
    private static List<String[]> declaredMethods(ClassLoader loader, String type) {
        try (InputStream in = loader.getResourceAsStream(type + ".class")) {
            if (in == null) {
                return null;
            }
            List<String[]> methods = new ArrayList<>();
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    methods.add(new String[] {Integer.toString(access), name, descriptor});
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return methods;
        } catch (IOException e) {
            return null;
        }
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('/') + 1);
    }
}
