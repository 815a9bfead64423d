/* A C host that embeds QuickJS itself and adds the Rust module.
 *
 * Its own JS_NewRuntime / JS_NewContext, no quickjs-libc, no qjs: just the
 * engine, `JS_AddRust` from the Rust static library (header
 * include/quickjs_rust.h) and a poll(2) loop on the runtime's wake fd with
 * the next Rust timer as timeout. This is the shape of a Kraken-like host.
 *
 *   ./c-host              runs the fib/sleep scenario
 *   ./c-host bad-input    what a careless host may do, survived cleanly
 *   ./c-host churn        1000 contexts come and go; an epoll loop that added
 *                         the wake fd once is still woken by worker threads
 *   ./c-host free-no-gc   JS_FreeContext alone ends the context's futures
 *   ./c-host wrong-thread rust_* called from a second thread get error codes
 *   ./c-host moved        a runtime moved to another thread without
 *                         rust_bind_thread, freed there with futures pending
 *   ./c-host late-wake    workers finish after JS_FreeRuntime (or while the
 *                         callback is replaced): the old wake callback is
 *                         never called or running afterwards (its opaque's
 *                         page is made unreadable at once), the wake fd is
 *                         closed and its number never written again
 *   ./c-host inspect      the scenario's loop with a debugger: listens on a
 *                         free loopback port (printed), waits for a Chrome
 *                         DevTools Protocol client, then runs a module it
 *                         can pause (see docs/debugging.md)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static void drain_jobs(JSRuntime *rt)
{
    JSContext *job_ctx;
    int r;
    while ((r = JS_ExecutePendingJob(rt, &job_ctx)) > 0)
        ;
    if (r < 0)
        dump_exception(job_ctx);
}

/* Contexts come and go (a framework's pages, say) while the runtime lives;
   the host put the wake fd in its epoll set once, at the first JS_AddRust. */
static int run_churn(void)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *keep = new_context(rt);
    int fd = rust_wake_fd(rt);
    printf("wake fd exists after the first JS_AddRust: %s\n", fd >= 0 ? "yes" : "no");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    int same = 1;
    for (int i = 0; i < 1000; i++) {
        JSContext *c = new_context(rt);
        if (!c || eval_module(c, "import { sleep } from 'rust'; sleep(60000).then(() => print('never'))") < 0)
            return 1;
        drain_jobs(rt);
        JS_FreeContext(c);
        if (i % 100 == 99)
            JS_RunGC(rt);
        same &= rust_wake_fd(rt) == fd;
    }
    JS_RunGC(rt);
    printf("after 1000 contexts: same wake fd %s, pending %d\n", same ? "yes" : "no", rust_pending(rt));
    /* A future that only a worker thread's completion can wake (20 MB to
       hash, so the worker is still busy when the loop goes to sleep). The
       loop waits before it drains: nothing but the worker's wake-up can
       settle the future. */
    drain_jobs(rt);
    if (eval_module(keep, "import { checksum } from 'rust'; checksum('hello'.repeat(4000000)).then(v => print('checksum from a worker thread: ' + v))") < 0)
        return 1;
    int wakeups = 0;
    while (rust_pending(rt) > 0 || JS_IsJobPending(rt)) {
        struct epoll_event out;
        int n = epoll_wait(ep, &out, 1, 5000);
        if (n <= 0) {
            printf("epoll never woke\n");
            break;
        }
        wakeups++;
        drain_jobs(rt);
    }
    printf("woken through epoll: %s\n", wakeups > 0 ? "yes" : "no");
    close(ep);
    JS_FreeContext(keep);
    JS_FreeRuntime(rt);
    printf("clean exit\n");
    return 0;
}

/* JS_FreeContext without any GC: the context's futures end at once and no
   reaction of theirs runs afterwards, though worker threads finish them. */
static int run_free_without_gc(void)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = new_context(rt);
    JSContext *doomed = new_context(rt);
    if (eval_module(doomed, "import { checksum } from 'rust'; for (let i = 0; i < 100; i++) checksum('x' + i).then(() => print('reaction ran'))") < 0)
        return 1;
    /* No job loop yet: whatever the workers finish is not settled. */
    printf("pending before JS_FreeContext: %d\n", rust_pending(rt));
    JS_FreeContext(doomed);
    printf("pending right after: %d\n", rust_pending(rt));
    /* Give the workers time to finish, then run whatever the loop has. */
    struct timespec pause = { 0, 200 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    drain_jobs(rt);
    printf("loop drained, no reaction ran\n");
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    printf("clean exit\n");
    return 0;
}

static void *wrong_thread(void *arg)
{
    JSRuntime *rt = arg;
    rust_run(rt); /* ignored */
    printf("from another thread: pending %d, next timeout %d, wake fd usable %s\n",
           rust_pending(rt), rust_next_timeout(rt), rust_wake_fd(rt) >= 0 ? "yes" : "no");
    return NULL;
}

static void *wrong_thread_add(void *arg)
{
    JSContext *ctx = arg;
    printf("JS_AddRust from another thread: %d\n", JS_AddRust(ctx, JS_GetRuntime(ctx)));
    return NULL;
}

/* The JS thread drains its loop while a second thread calls in. */
static int run_wrong_thread(void)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = new_context(rt);
    if (eval_module(ctx, "import { sleep } from 'rust'; sleep(100).then(() => print('slept on the JS thread'))") < 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, wrong_thread, rt);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, wrong_thread_add, ctx);
    pthread_join(t, NULL);
    run_loop(rt);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    printf("clean exit\n");
    return 0;
}

static void *free_moved(void *arg)
{
    JSContext *ctx = arg;
    JSRuntime *rt = JS_GetRuntime(ctx);
    /* Not bound here: the hooks a host calls refuse this thread... */
    printf("pending seen from the new thread: %d\n", rust_pending(rt));
    /* ...but JS_FreeContext still ends the context's futures (this thread
       has the runtime now), so nothing keeps the context alive. */
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    return NULL;
}

/* The host moves the runtime to another thread but forgets
   rust_bind_thread, then frees it there with 100 futures pending. */
static int run_moved(void)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = new_context(rt);
    if (eval_module(ctx, "import { sleep } from 'rust'; for (let i = 0; i < 100; i++) sleep(60000).then(() => print('never'))") < 0)
        return 1;
    printf("pending: %d\n", rust_pending(rt));
    pthread_t t;
    pthread_create(&t, NULL, free_moved, ctx);
    pthread_join(t, NULL);
    printf("clean exit\n");
    return 0;
}

/* late-wake: the host's opaque lives in a page of its own, made unreadable
   (PROT_NONE) as soon as the runtime is freed or the callback replaced; a
   call of the old callback after that touches it and the process dies with
   SIGSEGV. The callback sleeps in the middle (touching the page before and
   after), so a call still running when the free or the replacement returns
   is caught too. */
struct wake_opaque {
    atomic_int entered;
    atomic_int calls;
};

static void on_wake(void *opaque)
{
    struct wake_opaque *o = opaque;
    atomic_store(&o->entered, 1);
    struct timespec pause = { 0, 5 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    atomic_fetch_add(&o->calls, 1);
}

static struct wake_opaque *new_opaque(void)
{
    void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void forbid(struct wake_opaque *o)
{
    mprotect(o, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE);
}

/* The wake fd's number after the free: closed (else counted in *open), then
   taken by a pipe's write end, whose read end is returned: a late write to
   the old number lands there. */
static int catch_writes(int fd, int *open)
{
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
        (*open)++;
    int p[2];
    if (pipe(p) < 0)
        return -1;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    dup2(p[1], fd);
    close(p[1]);
    return p[0];
}

/* Whether anything reached a catcher (then closes it and the number). */
static int written(int catcher, int fd)
{
    char buf[16];
    int w = read(catcher, buf, sizeof buf) > 0;
    close(catcher);
    close(fd);
    return w;
}

static int wait_entered(struct wake_opaque *o)
{
    for (int i = 0; i < 5000 && !atomic_load(&o->entered); i++) {
        struct timespec pause = { 0, 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return atomic_load(&o->entered);
}

/* One runtime whose context starts checksums of these sizes on worker
   threads, with the callback set; returns its wake fd. */
static JSRuntime *start_checksums(const char *sizes, struct wake_opaque *o, int *fd)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = new_context(rt);
    if (!ctx || rust_set_wake_callback(rt, on_wake, o) < 0)
        return NULL;
    *fd = rust_wake_fd(rt);
    char src[256];
    snprintf(src, sizeof src, "import { checksum } from 'rust'; for (const n of [%s]) checksum('x'.repeat(n))", sizes);
    if (eval_module(ctx, src) < 0)
        return NULL;
    JS_FreeContext(ctx);
    return rt;
}

static int run_late_wake(void)
{
    enum { RACES = 100 };
    int open = 0, wrote = 0;
    int catchers[RACES + 1], fds[RACES + 1];

    /* 1. The worker finishes well after JS_FreeRuntime. */
    struct wake_opaque *o = new_opaque();
    JSRuntime *rt = start_checksums("4000000", o, &fds[0]);
    if (!o || !rt)
        return 1;
    JS_FreeRuntime(rt);
    forbid(o);
    catchers[0] = catch_writes(fds[0], &open);

    /* 2. A call is running (asleep inside the callback) at JS_FreeRuntime. */
    o = new_opaque();
    int fd;
    rt = start_checksums("1000", o, &fd);
    if (!o || !rt || !wait_entered(o))
        return 1;
    JS_FreeRuntime(rt);
    forbid(o);
    printf("call running at JS_FreeRuntime: %s\n",
           catch_writes(fd, &open) >= 0 ? "over before it returned" : "?");

    /* 3. A call is running when the callback is replaced. */
    o = new_opaque();
    struct wake_opaque *next = new_opaque();
    JSRuntime *rt3 = JS_NewRuntime();
    JSContext *ctx = new_context(rt3);
    if (!o || !next || !ctx || rust_set_wake_callback(rt3, on_wake, o) < 0)
        return 1;
    if (eval_module(ctx, "import { checksum } from 'rust'; checksum('x'.repeat(1000))") < 0 || !wait_entered(o))
        return 1;
    rust_set_wake_callback(rt3, on_wake, next);
    forbid(o);
    printf("callback replaced during a call: the old call over before it returned\n");
    drain_jobs(rt3);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt3);
    forbid(next);

    /* 4. Runs racing the workers' completions with JS_FreeRuntime. */
    for (int i = 1; i <= RACES; i++) {
        o = new_opaque();
        rt = start_checksums(i % 2 ? "100000, 30000" : "300000, 1000, 1", o, &fds[i]);
        if (!o || !rt)
            return 1;
        JS_FreeRuntime(rt);
        forbid(o);
        catchers[i] = catch_writes(fds[i], &open);
    }
    /* Every worker ends meanwhile (the largest checksum takes milliseconds). */
    struct timespec pause = { 0, 500 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    for (int i = 0; i <= RACES; i++)
        wrote += catchers[i] < 0 || written(catchers[i], fds[i]);
    printf("late workers after JS_FreeRuntime: no call, wake fd open after the free %d times, written after %d times\n",
           open, wrote);
    printf("clean exit\n");
    return 0;
}

#ifndef QUICKJS_RUST_BELLARD /* the debugger is quickjs-ng's only */
static const char *inspected =
    "import { sleep } from 'rust';\n"
    "function area(w, h) {\n"
    "  const a = w * h;\n"
    "  return a;\n"
    "}\n"
    "await sleep(10);\n"
    "print('area ' + area(6, 7));\n";

static int run_inspect(void)
{
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = new_context(rt);
    /* Port 0: any free port (the ws:// URL goes to stderr). Wait: serve the
       client until it says go (Runtime.runIfWaitingForDebugger). */
    if (!ctx || rust_inspector_listen(ctx, NULL, 0, 1) < 0)
        return 1;
    JSValue v = JS_Eval(ctx, inspected, strlen(inspected), "inspected.js",
                        JS_EVAL_TYPE_MODULE);
    if (JS_IsException(v)) {
        dump_exception(ctx);
        return 1;
    }
    JS_FreeValue(ctx, v);
    /* The same loop: a connected client keeps it alive (rust_pending), and
       its messages are served in rust_run while the loop waits. */
    run_loop(rt);
    rust_inspector_stop(ctx);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    printf("clean exit\n");
    return 0;
}
#endif

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "bad-input"))
        return run_bad_input();
    if (!strcmp(mode, "churn"))
        return run_churn();
    if (!strcmp(mode, "free-no-gc"))
        return run_free_without_gc();
    if (!strcmp(mode, "wrong-thread"))
        return run_wrong_thread();
    if (!strcmp(mode, "moved"))
        return run_moved();
    if (!strcmp(mode, "late-wake"))
        return run_late_wake();
#ifndef QUICKJS_RUST_BELLARD
    if (!strcmp(mode, "inspect"))
        return run_inspect();
#endif
    return run_scenario();
}
