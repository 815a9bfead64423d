/* The constants and layouts src/lib.rs writes, as C sees them: build.rs
   compiles this with the engine, so a mismatch is a build error. */
#include <stddef.h>
#include "mquickjs.h"

_Static_assert(sizeof(JSValue) == sizeof(void *), "JSValue");
_Static_assert(sizeof(JSGCRef) == 2 * sizeof(void *), "JSGCRef");
_Static_assert(sizeof(JSCStringBuf) == 5, "JSCStringBuf");
_Static_assert(sizeof(JSMemoryUsage) == 3 * sizeof(size_t), "JSMemoryUsage");
_Static_assert(JS_CLASS_USER == 28 && JS_CLASS_TYPE_ERROR == 14 && JS_CLASS_ERROR == 9, "classes");
_Static_assert(JS_CLASS_RANGE_ERROR == 11 && JS_CLASS_REFERENCE_ERROR == 12 && JS_CLASS_SYNTAX_ERROR == 13, "classes");
_Static_assert(JS_CLASS_INTERNAL_ERROR == 16 && JS_CLASS_ARRAY_BUFFER == 17 && JS_CLASS_UINT8_ARRAY == 21, "classes");
_Static_assert(JS_CLASS_FLOAT64_ARRAY == 27 && JS_CLASS_ARRAY == 1 && JS_CLASS_CLOSURE == 3, "classes");
_Static_assert(JS_CLASS_UINT8C_ARRAY == 19 && JS_CLASS_INT8_ARRAY == 20, "typed arrays");
_Static_assert(FRAME_CF_CTOR == (1 << 16), "ctor flag");
_Static_assert(JS_NULL == ((3 | (1 << 2)) | (0 << 5)) && JS_UNDEFINED == (3 | (2 << 2)), "specials");
_Static_assert(JS_EXCEPTION == (3 | (3 << 2)) && JS_TRUE == (3 | (1 << 5)) && JS_TAG_STRING_CHAR == (3 | (6 << 2)), "specials");
_Static_assert(JS_EVAL_RETVAL == 1 && JS_EVAL_REPL == 2 && JS_EVAL_STRIP_COL == 4 && JS_EVAL_JSON == 8 && JS_DUMP_LONG == 1, "flags");
