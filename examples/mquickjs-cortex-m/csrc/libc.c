/* The C library functions MicroQuickJS calls that neither the engine nor
   Rust's compiler_builtins defines (besides setjmp.S, and abort and
   __assert_func in src/main.rs). */
#include <setjmp.h>

/* setjmp.S stores 26 words: the jmp_buf the engine sees must hold them. */
_Static_assert(sizeof(jmp_buf) >= 26 * 4, "compile with -D_JBTYPE=__INT64_TYPE__ (.cargo/config.toml)");

/* newlib's math.h uses __builtin_fpclassify only for GCC >= 4.4; clang says
   it is GCC 4.2, so isnan()/isfinite() become calls to newlib's libm
   helpers, which are not linked: give them. */
#if defined(__clang__)
#include <math.h>
int __fpclassifyd(double x)
{
    return __builtin_fpclassify(FP_NAN, FP_INFINITE, FP_NORMAL, FP_SUBNORMAL, FP_ZERO, x);
}
int __fpclassifyf(float x)
{
    return __builtin_fpclassify(FP_NAN, FP_INFINITE, FP_NORMAL, FP_SUBNORMAL, FP_ZERO, x);
}
#endif
