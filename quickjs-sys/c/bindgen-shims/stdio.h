/* bindgen stand-in: FILE only appears behind pointers. */
#include <stddef.h>
#include <stdarg.h>
typedef struct FILE FILE;
