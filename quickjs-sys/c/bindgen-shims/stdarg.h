/* bindgen stand-in. */
#ifndef QJS_SHIM_STDARG_H
#define QJS_SHIM_STDARG_H
typedef __builtin_va_list va_list;
#endif
