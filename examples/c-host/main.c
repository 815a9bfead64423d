/* A C host that embeds QuickJS itself and adds the Rust module.
 *
 * Its own JS_NewRuntime / JS_NewContext, no quickjs-libc, no qjs: just the
 * engine, `JS_AddRust` from the Rust static library (header
 * include/quickjs_rust.h) and a poll(2) loop on the runtime's wake fd with
 * the next Rust timer as timeout. This is the shape of a Kraken-like host.
 *
 *   ./c-host            runs the fib/sleep scenario
 *   ./c-host bad-input  what a careless host may do, survived cleanly
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "quickjs.h"
#include "quickjs_rust.h"

/* print(...): the host's own console. */
static JSValue print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    for (int i = 0; i < argc; i++) {
        const char *s = JS_ToCString(ctx, argv[i]);
        if (!s)
            return JS_EXCEPTION;
        printf("%s%s", i ? " " : "", s);
        JS_FreeCString(ctx, s);
    }
    printf("\n");
    fflush(stdout);
    return JS_UNDEFINED;
}

static void dump_exception(JSContext *ctx)
{
    JSValue e = JS_GetException(ctx);
    const char *s = JS_ToCString(ctx, e);
    fprintf(stderr, "uncaught: %s\n", s ? s : "?");
    JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, e);
}

static JSContext *new_context(JSRuntime *rt)
{
    JSContext *ctx = JS_NewContext(rt);
    if (!ctx)
        return NULL;
    JSValue global = JS_GetGlobalObject(ctx);
    JS_SetPropertyStr(ctx, global, "print", JS_NewCFunction(ctx, print, "print", 1));
    JS_FreeValue(ctx, global);
    /* The one line that adds the Rust modules. */
    if (JS_AddRust(ctx, rt) < 0) {
        JS_FreeContext(ctx);
        return NULL;
    }
    return ctx;
}

static int eval_module(JSContext *ctx, const char *src)
{
    JSValue v = JS_Eval(ctx, src, strlen(src), "<host>", JS_EVAL_TYPE_MODULE);
    if (JS_IsException(v)) {
        dump_exception(ctx);
        return -1;
    }
    JS_FreeValue(ctx, v);
    return 0;
}

/* The host's event loop: run jobs (the patched JS_ExecutePendingJob also
   settles finished Rust futures), then sleep in poll(2) on the wake fd until
   a Rust future can progress or the next Rust timer is due. Returns how many
   times it slept. */
static int run_loop(JSRuntime *rt)
{
    int sleeps = 0;
    for (;;) {
        JSContext *job_ctx;
        int r;
        while ((r = JS_ExecutePendingJob(rt, &job_ctx)) > 0)
            ;
        if (r < 0)
            dump_exception(job_ctx);
        if (rust_pending(rt) == 0 && !JS_IsJobPending(rt))
            return sleeps;
        struct pollfd pfd = { rust_wake_fd(rt), POLLIN, 0 };
        poll(&pfd, pfd.fd >= 0, rust_next_timeout(rt));
        sleeps++;
    }
}

static const char *scenario =
    "import { fib, sleep } from 'rust';\n"
    "print('fib(10) = ' + fib(10));\n"
    "try { fib('x') } catch (e) { print(e.name + ': ' + e.message) }\n"
    "const t0 = Date.now();\n"
    "sleep(200).then(() => print('slept ' + (Date.now() - t0 >= 200 ? 'at least 200 ms' : 'too little')));\n"
    "Promise.all([sleep(50), sleep(100), sleep(150)]).then(() => print('three sleeps done'));\n";

static int run_scenario(void)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = new_context(rt);
    if (!ctx || eval_module(ctx, scenario) < 0)
        return 1;
    clock_t cpu = clock();
    int sleeps = run_loop(rt);
    cpu = clock() - cpu;
    /* Four deadlines, so a handful of wake-ups; a spinning loop would make
       thousands and burn the CPU. */
    if (sleeps <= 10)
        printf("loop slept a few times, ");
    else
        printf("loop slept %d times, ", sleeps);
    printf("cpu %s\n", cpu * 1000 / CLOCKS_PER_SEC < 50 ? "under 50 ms" : "too high");
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt); /* debug builds assert here that nothing leaked */
    printf("clean exit\n");
    return 0;
}

static int run_bad_input(void)
{
    /* rust_* on a runtime that never saw the rust module: harmless no-ops. */
    JSRuntime *plain = JS_NewRuntime();
    rust_run(plain);
    printf("plain runtime: pending %d, fd %d, timeout %d\n", rust_pending(plain),
           rust_wake_fd(plain), rust_next_timeout(plain));
    JS_FreeRuntime(plain);

    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = new_context(rt);
    /* JS_AddRust twice, and with bad pointers. */
    printf("JS_AddRust again: %d\n", JS_AddRust(ctx, rt));
    printf("JS_AddRust(NULL, rt): %d\n", JS_AddRust(NULL, rt));
    if (eval_module(ctx, "import { fib } from 'rust'; print('after two JS_AddRust: fib(4) = ' + fib(4))") < 0)
        return 1;

    /* A second context with 1000 futures pending, freed mid-flight. */
    JSContext *doomed = new_context(rt);
    if (eval_module(doomed, "import { sleep } from 'rust'; for (let i = 0; i < 1000; i++) sleep(60000).then(() => print('never'))") < 0)
        return 1;
    JSContext *job_ctx;
    while (JS_ExecutePendingJob(rt, &job_ctx) > 0)
        ;
    printf("pending before freeing the context: %d\n", rust_pending(rt));
    JS_FreeContext(doomed);
    JS_RunGC(rt);
    printf("pending after: %d\n", rust_pending(rt));

    /* The surviving context still works. */
    if (eval_module(ctx, "import { sleep } from 'rust'; sleep(10).then(() => print('survivor slept'))") < 0)
        return 1;
    run_loop(rt);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    printf("clean exit\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "bad-input"))
        return run_bad_input();
    return run_scenario();
}
