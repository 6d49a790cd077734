#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starting a child process with `posix_spawn` and waiting for it, wrapped once for the package (the
/// test harness's children, the bench's clients and shell commands): never Foundation's `Process`, which
/// was seen to stall launches for tens of seconds on Linux and to hang on commands that leave daemons.
///
/// The child gets exactly the descriptors it is given (0, 1, 2 and any more, in order; everything else
/// is closed where the C library can, and close-on-exec elsewhere), a clean signal mask and default
/// handlers for the signals a parent may block or ignore.
public enum ProcessSpawn {
    /// What one of the child's descriptors is.
    public enum Descriptor: Sendable {
        /// `/dev/null`.
        case null
        /// A file opened with these flags (and mode when created).
        case file(String, flags: Int32, mode: mode_t = 0o600)
        /// A copy of this descriptor of the parent's.
        case inherited(Int32)
    }

    /// How a child ended.
    public struct Exit: Sendable, Equatable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public var status: Int32
        /// The signal that ended it, if one did.
        public var signal: Int32?

        /// The exit described by a `waitpid` status.
        public init(waitStatus: Int32) {
            let signal = waitStatus & 0x7F
            self.status = signal == 0 ? (waitStatus >> 8) & 0xFF : 128 + signal
            self.signal = signal == 0 ? nil : signal
        }
    }

    /// Starts `executable` with `arguments`, its descriptors 0, 1, 2, … set to `descriptors` (missing
    /// standard ones are `/dev/null`), `environment` as its whole environment, in `directory` when given.
    /// Returns its pid.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String],
        directory: String? = nil, descriptors: [Descriptor] = []
    ) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let wanted = descriptors + Array(repeating: .null, count: max(0, 3 - descriptors.count))
        // Inherited descriptors are first moved above every target number, so that no dup2 overwrites a
        // descriptor still to be copied.
        var moved: [Int32] = []
        defer { for descriptor in moved { close(descriptor) } }
        for (index, descriptor) in wanted.enumerated() {
            let target = Int32(index)
            switch descriptor {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path, let flags, let mode):
                posix_spawn_file_actions_addopen(&actions, target, path, flags, mode)
            case .inherited(let parent):
                let high = fcntl(parent, F_DUPFD_CLOEXEC, 100)
                guard high >= 0 else { throw SystemError(operation: "fcntl", subject: "fd \(parent)", code: errno) }
                moved.append(high)
                posix_spawn_file_actions_adddup2(&actions, high, target)
            }
        }
        GNUExtensions.closeFrom(&actions, Int32(wanted.count))
        if let directory { GNUExtensions.changeDirectory(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SystemError(operation: "posix_spawn", subject: executable, code: result) }
        return pid
    }

    /// Waits for the child to end and reaps it.
    public static func wait(_ pid: pid_t) -> Exit {
        var status: Int32 = 0
        _ = Syscall.run { waitpid(pid, &status, 0) }
        return Exit(waitStatus: status)
    }

    /// A pipe whose ends are close-on-exec, so that no other child started meanwhile inherits them:
    /// `(read, write)`.
    public static func pipe() throws(SystemError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        if let pipe2 = GNUExtensions.pipe2 {
            guard pipe2(&ends, O_CLOEXEC) == 0 else { throw SystemError(operation: "pipe2", subject: "", code: errno) }
        } else {
            guard systemPipe(&ends) == 0 else { throw SystemError(operation: "pipe", subject: "", code: errno) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        return (ends[0], ends[1])
    }

    private static func systemPipe(_ ends: UnsafeMutablePointer<Int32>) -> Int32 {
        #if canImport(Glibc)
            Glibc.pipe(ends)
        #else
            Darwin.pipe(ends)
        #endif
    }
}

/// The spawn extensions of glibc (and some other C libraries), looked up at run time: Swift's module of
/// the C library does not declare them everywhere, and a library without them still works.
private enum GNUExtensions {
    typealias Actions = UnsafeMutablePointer<posix_spawn_file_actions_t>
    typealias CloseFrom = @convention(c) (Actions, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (Actions, UnsafePointer<CChar>) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    static func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: type)
    }

    static let closeFromFunction = symbol("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self)
    static let changeDirectoryFunction = symbol("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self)
    static let pipe2 = symbol("pipe2", as: Pipe2.self)

    /// Closes every descriptor from `lowest` up in the child (when the C library can).
    static func closeFrom(_ actions: Actions, _ lowest: Int32) {
        _ = closeFromFunction?(actions, lowest)
    }

    /// Starts the child in `directory`.
    static func changeDirectory(_ actions: Actions, _ directory: String) {
        guard let change = changeDirectoryFunction else { preconditionFailure("posix_spawn cannot chdir here") }
        _ = change(actions, directory)
    }
}
