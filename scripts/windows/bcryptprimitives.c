/* A stand-in bcryptprimitives.dll for Wine 8 (Debian 12), which lacks it:
 * Rust's std (1.78+) imports ProcessPrng from it on Windows. Built by
 * scripts/windows/test.sh with MinGW and put beside the test executables;
 * never shipped. RtlGenRandom (advapi32's SystemFunction036) does the work. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
