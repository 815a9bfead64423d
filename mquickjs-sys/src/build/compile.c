/* quickjs-rust: MicroQuickJS's compiler for the build host, as `mqjs -o`
   (`-m32`: 32-bit bytecode on a 64-bit host) without the rest of mqjs.
   `Stdlib::bytecode` runs it in a crate's build script.

   As mqjs's compile_file says, the bytecode does not depend on the
   standard library's content (atoms are resolved again when it is
   relocated in the context that runs it), so this compiler links the
   engine's plain library: mqjs_stdlib.c without mqjs's globals, the host
   functions it names stubbed (they never run here).

   usage: mquickjs_compile [-m32] input.js output.bin */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mquickjs.h"

#define STUB(name) \
    JSValue name(JSContext *ctx, JSValue *this_val, int argc, JSValue *argv) \
    { return JS_UNDEFINED; }
STUB(js_print)
STUB(js_date_now)
STUB(js_performance_now)

#include "mquickjs_stdlib_tables.h"

static void log_func(void *opaque, const void *buf, size_t len)
{
    fwrite(buf, 1, len, stderr);
}

static char *load_file(const char *filename)
{
    FILE *f = fopen(filename, "rb");
    long len;
    char *buf;
    if (!f) {
        perror(filename);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(len + 1);
    if (!buf || fread(buf, 1, len, f) != (size_t)len) {
        fprintf(stderr, "%s: read error\n", filename);
        exit(1);
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    size_t mem_size = 16 << 20;
    uint8_t *mem_buf;
    JSContext *ctx;
    JSValue val;
    int force_32bit = 0, hdr_len, arg = 1;
    union {
        JSBytecodeHeader hdr;
#if JSW == 8
        JSBytecodeHeader32 hdr32;
#endif
    } hdr_buf;
    const uint8_t *data_buf;
    uint32_t data_len;
    char *source;
    FILE *f;

    if (argc > arg && !strcmp(argv[arg], "-m32")) {
        force_32bit = 1;
        arg++;
    }
    if (argc != arg + 2) {
        fprintf(stderr, "usage: mquickjs_compile [-m32] input.js output.bin\n");
        return 2;
    }
    mem_buf = malloc(mem_size);
    ctx = JS_NewContext2(mem_buf, mem_size, &js_stdlib, 1);
    if (!ctx) {
        fprintf(stderr, "no context\n");
        return 1;
    }
    JS_SetLogFunc(ctx, log_func);
    source = load_file(argv[arg]);
    /* the script's last value is its result (JS_EVAL_RETVAL) */
    val = JS_Parse(ctx, source, strlen(source), argv[arg], JS_EVAL_RETVAL);
    free(source);
    if (JS_IsException(val)) {
        JS_PrintValueF(ctx, JS_GetException(ctx), JS_DUMP_LONG);
        fprintf(stderr, "\n");
        return 1;
    }
#if JSW == 8
    if (force_32bit) {
        if (JS_PrepareBytecode64to32(ctx, &hdr_buf.hdr32, &data_buf, &data_len, val)) {
            fprintf(stderr, "could not convert the bytecode from 64 to 32 bits\n");
            return 1;
        }
        hdr_len = sizeof(JSBytecodeHeader32);
    } else
#endif
    {
        if (force_32bit) {
            fprintf(stderr, "-m32 needs a 64-bit build host\n");
            return 1;
        }
        JS_PrepareBytecode(ctx, &hdr_buf.hdr, &data_buf, &data_len, val);
        /* relocated to zero: a deterministic output */
        JS_RelocateBytecode2(ctx, &hdr_buf.hdr, (uint8_t *)data_buf, data_len, 0, 0);
        hdr_len = sizeof(JSBytecodeHeader);
    }
    f = fopen(argv[arg + 1], "wb");
    if (!f) {
        perror(argv[arg + 1]);
        return 1;
    }
    fwrite(&hdr_buf, 1, hdr_len, f);
    fwrite(data_buf, 1, data_len, f);
    fclose(f);
    JS_FreeContext(ctx);
    free(mem_buf);
    return 0;
}
