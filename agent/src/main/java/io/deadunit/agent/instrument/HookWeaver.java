package io.deadunit.agent.instrument;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.List;

/**
 * Puts the {@link Advice} of the given {@link Hook}s on a class's own implementations of them (abstract and native
 * declarations have no code), matched by name and descriptor. Adds no member and changes no signature, so a class
 * already loaded can be retransformed the same way.
 */
final class HookWeaver extends ClassVisitor {
    private final List<Hook> hooks;
    private String owner;
    private boolean frames;
    private String modelField;
    private boolean woven;

    private HookWeaver(List<Hook> hooks, ClassVisitor next) {
        super(Opcodes.ASM9, next);
        this.hooks = hooks;
    }

    /** The woven class file, or null when the class implements none of the hooks. */
    static byte[] weave(byte[] classFile, List<Hook> hooks) {
        ClassReader reader = new ClassReader(classFile);
        // Maxima are recomputed (cheap, no class loaded); frames are not: COMPUTE_FRAMES would load classes to find
        // common super types. The woven code writes its own, and the original ones are kept, expanded.
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        HookWeaver weaver = new HookWeaver(hooks, writer);
        reader.accept(weaver, ClassReader.EXPAND_FRAMES);
        return weaver.woven ? writer.toByteArray() : null;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        frames = (version & 0xFFFF) >= Opcodes.V1_6;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        // Fields come before methods in a class file's visit.
        if (Advice.OPTIMIZER_MODEL_FIELD.equals(name) && (access & Opcodes.ACC_STATIC) == 0) {
            modelField = descriptor;
        }
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || name.charAt(0) == '<') {
            return next;
        }
        for (Hook hook : hooks) {
            if (hook.matches(access, name, descriptor)) {
                Advice advice = Advice.of(hook);
                if (!advice.fits(descriptor, modelField)) {
                    return next;
                }
                woven = true;
                return new AdvisedMethod(advice, owner, modelField, frames, access, descriptor, next);
            }
        }
        return next;
    }
}
