/// The package's one door to the operating system, in swift-system's style: an `Errno` value, a single
/// retry-on-EINTR loop (`Syscall`), `FileDescriptor` for files, `Socket` for TCP, `Poller` (epoll, or
/// poll(2) off Linux) and `Wakeup` (eventfd, or a pipe) for event loops, `ProcessSpawn` for child
/// processes, `SyscallFaults` (the seam that makes named calls fail in tests), a bounded `WorkPool` and the
/// open-file limit. Every other
/// module calls these wrappers, never the raw syscalls, so each syscall's retry and error rules are
/// written once. The syscalls Swift's Glibc module lacks come from our C target `CMemberLedgerSystem`.
enum MemberLedgerSystem {}
