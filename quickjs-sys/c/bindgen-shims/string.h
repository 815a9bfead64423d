/* bindgen stand-in */
#include <stddef.h>
