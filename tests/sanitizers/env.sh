# tests/sanitizers/env.sh: sourced by build-aux/run-tests.sh for the sanitizer
# suites (AddressSanitizer + UndefinedBehaviorSanitizer, leak checking on).
# fast_unwind_on_malloc=0: Debian's GLib has no frame pointers, so the fast
# unwinder stops at g_malloc and leaks could not be told apart.
_sanitizers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:malloc_context_size=16:detect_stack_use_after_return=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$_sanitizers_dir/lsan.supp:print_suppressions=0
unset _sanitizers_dir
# GIO's libproxy module (C++) throws exceptions inside a C program that ASan's
# __cxa_throw interceptor cannot handle ("real___cxa_throw != 0"): the tests
# talk to 127.0.0.1 only, so GIO's plain resolver stands in for it.
export GIO_USE_PROXY_RESOLVER=dummy
