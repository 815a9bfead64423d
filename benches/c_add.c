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

/* The method baseline: a C class whose instances keep their state in an
   opaque block (as a #[js] class's do), with `add` on the class prototype
   checking its receiver with JS_GetOpaque2, as a C class method must. */
typedef struct { uint32_t calls; } CAdder;
static JSClassID c_adder_class;

static void c_adder_finalizer(JSRuntime *rt, JSValueConst val)
{
    js_free_rt(rt, JS_GetOpaque(val, c_adder_class));
}

static JSValue c_adder_add(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int32_t a, b;
    CAdder *self = JS_GetOpaque2(ctx, this_val, c_adder_class);
    if (!self)
        return JS_EXCEPTION;
    if (argc != 2)
        return JS_ThrowTypeError(ctx, "add: expected 2 arguments, got %d", argc);
    if (JS_ToInt32(ctx, &a, argv[0]) || JS_ToInt32(ctx, &b, argv[1]))
        return JS_EXCEPTION;
    (void)self->calls;
    return JS_NewInt32(ctx, (int32_t)((uint32_t)a + (uint32_t)b));
}

/* A new instance of the C class (registered in ctx's runtime on first use). */
JSValue bench_c_adder_new(JSContext *ctx)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    JSValue proto, obj;
    if (!c_adder_class)
        JS_NewClassID(rt, &c_adder_class);
    if (!JS_IsRegisteredClass(rt, c_adder_class)) {
        JSClassDef def = { .class_name = "CAdder", .finalizer = c_adder_finalizer };
        JS_NewClass(rt, c_adder_class, &def);
        proto = JS_NewObject(ctx);
        JS_SetPropertyStr(ctx, proto, "add", JS_NewCFunction(ctx, c_adder_add, "add", 2));
        JS_SetClassProto(ctx, c_adder_class, proto);
    }
    obj = JS_NewObjectClass(ctx, c_adder_class);
    JS_SetOpaque(obj, js_mallocz(ctx, sizeof(CAdder)));
    return obj;
}

/* The accessors' baseline: `level` on the same C class, a getter and a
   setter on its prototype (as a #[js] class's are), checking the receiver. */
static JSValue c_adder_get_level(JSContext *ctx, JSValueConst this_val)
{
    CAdder *self = JS_GetOpaque2(ctx, this_val, c_adder_class);
    if (!self)
        return JS_EXCEPTION;
    return JS_NewInt32(ctx, (int32_t)self->calls);
}

static JSValue c_adder_set_level(JSContext *ctx, JSValueConst this_val, JSValueConst v)
{
    int32_t n;
    CAdder *self = JS_GetOpaque2(ctx, this_val, c_adder_class);
    if (!self)
        return JS_EXCEPTION;
    if (JS_ToInt32(ctx, &n, v))
        return JS_EXCEPTION;
    self->calls = (uint32_t)n;
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry c_adder_accessors[] = {
    JS_CGETSET_DEF("level", c_adder_get_level, c_adder_set_level),
};

/* Adds the accessors to the C class's prototype (after bench_c_adder_new). */
void bench_c_adder_accessors(JSContext *ctx)
{
    JSValue proto = JS_GetClassProto(ctx, c_adder_class);
    JS_SetPropertyFunctionList(ctx, proto, c_adder_accessors, 1);
    JS_FreeValue(ctx, proto);
}
