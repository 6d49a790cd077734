// The system calls Swift's Glibc module does not expose (epoll, eventfd, accept4) and a thread's
// nice value, wrapped so Swift sees plain functions over unpacked types. On x86-64 `struct epoll_event`
// is packed, which Swift cannot lay out safely: events cross this boundary as `cml_event` instead.
#ifndef CMEMBERLEDGERSYSTEM_H
#define CMEMBERLEDGERSYSTEM_H

#include <stdint.h>

/// One readiness report: the descriptor's token and what it is ready for (CML_READABLE, ...).
typedef struct {
    uint64_t token;
    uint32_t events;
} cml_event;

#define CML_READABLE 0x1u
#define CML_WRITABLE 0x4u
#define CML_ERROR 0x8u
#define CML_HANGUP 0x10u

#define CML_CTL_ADD 1
#define CML_CTL_DEL 2
#define CML_CTL_MOD 3

/// Whether this platform has epoll and eventfd (Linux); elsewhere Swift polls with poll(2).
int cml_has_epoll(void);

/// epoll_create1(EPOLL_CLOEXEC); -1 and errno on failure, or where there is no epoll.
int cml_epoll_create(void);
/// Adds (op 1), modifies (op 3) or removes (op 2) `fd` with interest `events` (CML_ flags), edge
/// triggered when `edge` is non-zero, EPOLLEXCLUSIVE when `exclusive` is non-zero (add only).
int cml_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token, int edge, int exclusive);
/// epoll_wait into `out` (at most `capacity`, at most 1024 at once); the count, or -1 and errno.
int cml_epoll_wait(int epfd, cml_event *out, int capacity, int timeout_ms);

/// eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); -1 and errno where there is none.
int cml_eventfd(void);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC where there is one, else accept + fcntl.
int cml_accept_nonblocking(int fd, void *address, uint32_t *length);

/// Lowers the calling thread's scheduling priority by `niceness` (Linux's per-thread nice); 0 on success,
/// -1 and errno on failure; does nothing where threads have no nice value of their own.
int cml_lower_thread_priority(int niceness);


#endif
