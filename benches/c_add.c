/* The native-call benchmark's baseline: `add` written by hand against the
   QuickJS C API, as a C host would, registered with JS_NewCFunction. */
#include "quickjs.h"

JSValue bench_c_add(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t a, b;
    (void)this_val;
    if (argc != 2)
        return JS_ThrowTypeError(ctx, "add: expected 2 arguments, got %d", argc);
    if (JS_ToInt32(ctx, &a, argv[0]) || JS_ToInt32(ctx, &b, argv[1]))
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, (int32_t)((uint32_t)a + (uint32_t)b));
}

/* The &str-argument baseline: the string's UTF-8 length, the C way. */
JSValue bench_c_strlen(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s;
    (void)this_val;
    if (argc != 1)
        return JS_ThrowTypeError(ctx, "strlen: expected 1 argument, got %d", argc);
    if (!JS_IsString(argv[0]))
        return JS_ThrowTypeError(ctx, "strlen: argument 1: expected string");
    s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!s)
        return JS_EXCEPTION;
    JS_FreeCString(ctx, s);
    return JS_NewInt32(ctx, (int32_t)len);
}
