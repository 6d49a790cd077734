// See include/CMemberLedgerSystem.h: the syscalls Swift's Glibc module lacks, behind plain types.
#define _GNU_SOURCE
#include "CMemberLedgerSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

int cml_has_epoll(void) { return 1; }

int cml_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static uint32_t to_epoll(uint32_t events) {
    uint32_t mask = 0;
    if (events & CML_READABLE) mask |= EPOLLIN | EPOLLRDHUP;
    if (events & CML_WRITABLE) mask |= EPOLLOUT;
    return mask;
}

int cml_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token, int edge, int exclusive) {
    struct epoll_event event;
    // EPOLLEXCLUSIVE admits only EPOLLIN, EPOLLOUT, EPOLLWAKEUP and EPOLLET beside it.
    uint32_t mask = exclusive ? (to_epoll(events) & ~(uint32_t)EPOLLRDHUP) | EPOLLEXCLUSIVE : to_epoll(events);
    event.events = mask | (edge ? EPOLLET : 0);
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

int cml_epoll_wait(int epfd, cml_event *out, int capacity, int timeout_ms) {
    struct epoll_event events[1024];
    if (capacity > 1024) capacity = 1024;
    int count = epoll_wait(epfd, events, capacity, timeout_ms);
    for (int i = 0; i < count; i++) {
        uint32_t mask = 0;
        if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLPRI)) mask |= CML_READABLE;
        if (events[i].events & EPOLLOUT) mask |= CML_WRITABLE;
        if (events[i].events & EPOLLERR) mask |= CML_ERROR;
        if (events[i].events & EPOLLHUP) mask |= CML_HANGUP;
        out[i].token = events[i].data.u64;
        out[i].events = mask;
    }
    return count;
}

int cml_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int cml_accept_nonblocking(int fd, void *address, uint32_t *length) {
    socklen_t size = *length;
    int client = accept4(fd, (struct sockaddr *)address, &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *length = size;
    return client;
}

int cml_lower_thread_priority(int niceness) {
    // On Linux the nice value is per thread: PRIO_PROCESS with a thread id changes that thread alone.
    pid_t thread = (pid_t)syscall(SYS_gettid);
    errno = 0;
    int current = getpriority(PRIO_PROCESS, (id_t)thread);
    if (current == -1 && errno != 0) return -1;
    return setpriority(PRIO_PROCESS, (id_t)thread, current + niceness);
}


#else

int cml_has_epoll(void) { return 0; }
int cml_epoll_create(void) { errno = ENOSYS; return -1; }
int cml_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token, int edge, int exclusive) {
    (void)epfd; (void)op; (void)fd; (void)events; (void)token; (void)edge; (void)exclusive;
    errno = ENOSYS;
    return -1;
}
int cml_epoll_wait(int epfd, cml_event *out, int capacity, int timeout_ms) {
    (void)epfd; (void)out; (void)capacity; (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}
int cml_eventfd(void) { errno = ENOSYS; return -1; }

int cml_accept_nonblocking(int fd, void *address, uint32_t *length) {
    socklen_t size = *length;
    int client = accept(fd, (struct sockaddr *)address, &size);
    *length = size;
    if (client >= 0) {
        fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK);
        fcntl(client, F_SETFD, FD_CLOEXEC);
    }
    return client;
}

int cml_lower_thread_priority(int niceness) {
    (void)niceness;
    return 0;
}


#endif
