/* bindgen stand-in. */
#ifndef QJS_SHIM_STDBOOL_H
#define QJS_SHIM_STDBOOL_H
#define bool _Bool
#define true 1
#define false 0
#endif
