/* setjmp/longjmp for Thumb-2 (ARMv7-M): the only libc symbols of
   MicroQuickJS (its patch 0001) that Rust's compiler_builtins does not
   give. newlib 3.3's own saves r4-r11, sp, lr only; with the hard-float ABI
   the callee-saved d8-d15 are saved too, so the engine is compiled with
   -D_JBTYPE=__INT64_TYPE__ (.cargo/config.toml): a jmp_buf of 23 x 8
   bytes, of which 26 words are used here. */
    .syntax unified
    .thumb
    .text

    .global setjmp
    .type setjmp, %function
    .thumb_func
setjmp:
    mov     ip, sp
    stmia   r0!, {r4-r11, ip, lr}
#if defined(__ARM_FP)
    vstmia  r0, {d8-d15}
#endif
    movs    r0, #0
    bx      lr
    .size setjmp, . - setjmp

    .global longjmp
    .type longjmp, %function
    .thumb_func
longjmp:
    ldmia   r0!, {r4-r11, ip, lr}
#if defined(__ARM_FP)
    vldmia  r0, {d8-d15}
#endif
    mov     sp, ip
    movs    r0, r1
    it      eq
    moveq   r0, #1
    bx      lr
    .size longjmp, . - longjmp
