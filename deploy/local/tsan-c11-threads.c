/* Loaded (LD_PRELOAD) into the thread-sanitizer run of deploy/local/test-tsan. librdkafka starts its threads
 * with C11 thrd_create, which glibc implements without going through pthread_create, so the sanitizer never
 * learns of those threads and crashes in the first allocation one makes. These four route the C11 calls
 * through the pthread functions the sanitizer intercepts. */
#include <pthread.h>
#include <stdint.h>
#include <threads.h>
int thrd_create(thrd_t *thread, thrd_start_t start, void *argument) {
    return pthread_create((pthread_t *)thread, NULL, (void *(*)(void *))start, argument) == 0 ? thrd_success : thrd_error;
}
int thrd_detach(thrd_t thread) { return pthread_detach((pthread_t)thread) == 0 ? thrd_success : thrd_error; }
int thrd_join(thrd_t thread, int *result) {
    void *value = NULL;
    if (pthread_join((pthread_t)thread, &value) != 0) return thrd_error;
    if (result) *result = (int)(intptr_t)value;
    return thrd_success;
}
_Noreturn void thrd_exit(int result) { pthread_exit((void *)(intptr_t)result); }
