/* quickjs-rust: the default JS_AddRust, a weak symbol.
 *
 * The crate that produces the final artifact (a Rust binary, or the static
 * library a C host links) may define JS_AddRust itself, naming its modules
 * (quickjs::js_add_rust!); that strong definition wins. Without one, this
 * fallback adds the modules registered at run time with quickjs::register
 * (what qjs::main does). Not part of the patch set: it is new code, compiled
 * next to the engine, not a change to upstream's files. */
#include "quickjs.h"

int quickjs_rust_add_registered(JSContext *ctx, JSRuntime *rt);

/* Windows (QUICKJS_RUST_NO_WEAK): a plain definition, the only one (PE
 * linkers cannot override a weak one); modules are added with
 * quickjs::register. */
#ifndef QUICKJS_RUST_NO_WEAK
__attribute__((weak))
#endif
int JS_AddRust(JSContext *ctx, JSRuntime *rt)
{
    return quickjs_rust_add_registered(ctx, rt);
}
