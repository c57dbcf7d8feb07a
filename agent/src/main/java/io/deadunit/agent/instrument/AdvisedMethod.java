package io.deadunit.agent.instrument;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.LocalVariablesSorter;

import java.util.ArrayList;
import java.util.List;

/**
 * Weaves one {@link Advice} into one method, in place (no added member, so that loaded classes can be
 * retransformed):
 * <pre>
 *   prologue:  the advice's locals get their initial values (the kept argument is copied)
 *   enter:     try { state = Probes.enter...(...) } catch (Throwable ignored) { }
 *   body:      the original code; each return stores its value and jumps to the exit block
 *   exit:      try { Probes.exit...(..., returned) } catch (Throwable ignored) { }  return returned;
 *   throwing:  catch (Throwable t) over the body: try { Probes.exit...(..., null) } catch (Throwable ignored) { }
 *              throw t;
 * </pre>
 * Nothing the hook code throws reaches the method (each call has its own catch-all); an exception of the method
 * itself is rethrown unchanged. The new locals come first (the {@link LocalVariablesSorter} moves the method's own
 * locals past them), get their values before any branch, and never change type, so every stack map frame of the
 * original code stays true with them added; the frames at the woven code's own branch targets are written here,
 * from the method's signature, without loading a class.
 */
final class AdvisedMethod extends LocalVariablesSorter {
    private static final String THROWABLE = "java/lang/Throwable";

    private final Advice advice;
    private final String owner;
    private final String modelField;
    private final boolean frames;
    private final boolean isStatic;
    private final Type[] arguments;
    private final Type returnType;
    /** The frame's locals on entry: this and the arguments, then the advice's locals. */
    private final List<Object> entryLocals = new ArrayList<>();
    /** The advice's own locals, in slot order, as frame types. */
    private final List<Object> ownLocals = new ArrayList<>();
    private final List<Label[]> handlers = new ArrayList<>();
    private final Label exitBlock = new Label();
    private final Label bodyStart = new Label();
    private int stateSlot = -1;
    private int keptSlot = -1;
    private int returnedSlot = -1;
    private int thrownSlot = -1;

    /**
     * @param frames whether the class file has stack map frames (version 50 and later), so the woven code must too
     * @param modelField the descriptor of the owner's {@code model} field, for {@link Advice#ITERATION_START}
     */
    AdvisedMethod(Advice advice, String owner, String modelField, boolean frames, int access, String descriptor,
                  MethodVisitor next) {
        super(Opcodes.ASM9, access, descriptor, next);
        this.advice = advice;
        this.owner = owner;
        this.modelField = modelField;
        this.frames = frames;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.arguments = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (!isStatic) {
            entryLocals.add(owner);
        }
        for (Type argument : arguments) {
            entryLocals.add(frameType(argument));
        }
        // Slots first (all of them before any code, so they follow the arguments), then their initial values.
        Type object = Type.getObjectType("java/lang/Object");
        if (advice.enterState) {
            stateSlot = local(object);
        }
        if (advice.keptArgument >= 0) {
            keptSlot = local(arguments[advice.keptArgument]);
        }
        if (advice.exit != Advice.Exit.NONE && returnType.getSort() != Type.VOID) {
            returnedSlot = local(returnType);
        }
        if (advice.exit == Advice.Exit.ALWAYS) {
            thrownSlot = local(Type.getObjectType(THROWABLE));
        }
        entryLocals.addAll(ownLocals);
        if (stateSlot >= 0) {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitVarInsn(Opcodes.ASTORE, stateSlot);
        }
        if (keptSlot >= 0) {
            Type kept = arguments[advice.keptArgument];
            mv.visitVarInsn(kept.getOpcode(Opcodes.ILOAD), argumentSlot(advice.keptArgument));
            mv.visitVarInsn(kept.getOpcode(Opcodes.ISTORE), keptSlot);
        }
        if (returnedSlot >= 0) {
            pushDefault(returnType);
            mv.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnedSlot);
        }
        if (thrownSlot >= 0) {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        }
        if (advice.hasEnter()) {
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            mv.visitLabel(start);
            advice.enter(mv, owner, modelField);
            if (stateSlot >= 0) {
                mv.visitVarInsn(Opcodes.ASTORE, stateSlot);
            }
            mv.visitLabel(end);
            mv.visitJumpInsn(Opcodes.GOTO, bodyStart);
            swallow(start, end, handler, entryLocals);
            mv.visitLabel(bodyStart);
            frame(entryLocals, null);
            // The original code may start with a frame of its own: two frames may not share an offset.
            mv.visitInsn(Opcodes.NOP);
        } else {
            mv.visitLabel(bodyStart);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if (advice.exit != Advice.Exit.NONE && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            if (returnedSlot >= 0) {
                mv.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnedSlot);
            }
            mv.visitJumpInsn(Opcodes.GOTO, exitBlock);
            return;
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (advice.exit != Advice.Exit.NONE) {
            Label bodyEnd = new Label();
            mv.visitLabel(bodyEnd);
            List<Object> exitLocals = exitLocals();
            // Every return of the body lands here, its value stored.
            mv.visitLabel(exitBlock);
            frame(exitLocals, null);
            Label returnNow = new Label();
            callSwallowing(exitLocals, returnNow, () -> mv.visitVarInsn(Opcodes.ALOAD, returnedSlot));
            mv.visitLabel(returnNow);
            frame(exitLocals, null);
            if (returnedSlot >= 0) {
                mv.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), returnedSlot);
            }
            mv.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
            if (advice.exit == Advice.Exit.ALWAYS) {
                Label thrown = new Label();
                handlers.add(new Label[] {bodyStart, bodyEnd, thrown});
                mv.visitLabel(thrown);
                frame(exitLocals, THROWABLE);
                mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
                Label rethrow = new Label();
                callSwallowing(exitLocals, rethrow, () -> mv.visitInsn(Opcodes.ACONST_NULL));
                mv.visitLabel(rethrow);
                frame(exitLocals, null);
                mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
                mv.visitInsn(Opcodes.ATHROW);
            }
        }
        // After the method's own handlers: those inside the body must catch first.
        for (Label[] handler : handlers) {
            mv.visitTryCatchBlock(handler[0], handler[1], handler[2], THROWABLE);
        }
        super.visitMaxs(maxStack, maxLocals);
    }

    /** The exit call, any throwable from it dropped, then on to {@code next}. */
    private void callSwallowing(List<Object> locals, Label next, Runnable returned) {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitLabel(start);
        advice.exit(mv, stateSlot, keptSlot, returned);
        mv.visitLabel(end);
        mv.visitJumpInsn(Opcodes.GOTO, next);
        swallow(start, end, handler, locals);
    }

    /** The handler of [start, end): drops the throwable; falls through to what follows. */
    private void swallow(Label start, Label end, Label handler, List<Object> locals) {
        handlers.add(new Label[] {start, end, handler});
        mv.visitLabel(handler);
        frame(locals, THROWABLE);
        mv.visitInsn(Opcodes.POP);
    }

    /**
     * The locals at the exit: {@code this} (never reassigned by a compiler) and the advice's own; the arguments are
     * unusable there (the body may have reused their slots), which every path into the exit agrees with.
     */
    private List<Object> exitLocals() {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner);
        }
        for (Type argument : arguments) {
            for (int i = 0; i < argument.getSize(); i++) {
                locals.add(Opcodes.TOP);
            }
        }
        locals.addAll(ownLocals);
        return locals;
    }

    private int local(Type type) {
        ownLocals.add(frameType(type));
        return newLocal(type);
    }

    private int argumentSlot(int index) {
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < index; i++) {
            slot += arguments[i].getSize();
        }
        return slot;
    }

    /** A full frame, written past the local sorter: its slots are final already. */
    private void frame(List<Object> locals, String stackTop) {
        if (!frames) {
            return;
        }
        Object[] stack = stackTop == null ? new Object[0] : new Object[] {stackTop};
        mv.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), stack.length, stack);
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return type.getInternalName();
        }
    }

    private void pushDefault(Type type) {
        switch (type.getSort()) {
            case Type.LONG:
                mv.visitInsn(Opcodes.LCONST_0);
                break;
            case Type.FLOAT:
                mv.visitInsn(Opcodes.FCONST_0);
                break;
            case Type.DOUBLE:
                mv.visitInsn(Opcodes.DCONST_0);
                break;
            case Type.OBJECT:
            case Type.ARRAY:
                mv.visitInsn(Opcodes.ACONST_NULL);
                break;
            default:
                mv.visitInsn(Opcodes.ICONST_0);
        }
    }
}
