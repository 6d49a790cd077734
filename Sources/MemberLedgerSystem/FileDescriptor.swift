#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file, and the one place where each syscall loop (EINTR, partial reads and writes) is written.
///
/// Everything else in the journal calls these wrappers, never the raw syscalls, so the retry rules are
/// in one place: EINTR is retried, a short write continues where it stopped, and a failed sync is
/// reported, never retried (a second fsync can "succeed" after the kernel dropped the dirty pages).
public struct FileDescriptor: Sendable, Hashable {
    /// The descriptor number.
    public let rawValue: Int32
    /// The path it was opened with, for error messages.
    public let path: String

    /// Opens a file (`O_CLOEXEC` added); new files get `permissions` (0600 by default).
    public static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0o600) throws(SystemError)
        -> FileDescriptor
    {
        let fd = try retryingOnInterrupt("open", path) { systemOpen(path, flags | O_CLOEXEC, permissions) }
        return FileDescriptor(adopting: fd, path: path)
    }

    /// Opens a directory for fsync.
    public static func openDirectory(_ path: String) throws(SystemError) -> FileDescriptor {
        try open(path, O_RDONLY | O_DIRECTORY)
    }

    /// Closes the descriptor (errors on close are not actionable and are ignored).
    public func close() {
        _ = systemClose(rawValue)
    }

    /// Writes every byte, continuing after short writes and EINTR.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = try Self.retryingOnInterrupt("write", path) {
                systemWrite(rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += written
        }
    }

    /// Writes every byte of an array.
    public func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        let failure: SystemError? = bytes.withUnsafeBytes { buffer in
            do throws(SystemError) {
                try writeAll(buffer)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Writes every byte at `offset` (`pwrite`), continuing after short writes and EINTR; the file's own
    /// position does not move.
    public func write(_ bytes: [UInt8], at offset: Int64) throws(SystemError) {
        let written: Result<Void, SystemError> = bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = Syscall.run("pwrite", path) {
                    pwrite(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                }
                switch count {
                case .success(let count): done += count
                case .failure(let code):
                    return .failure(SystemError(operation: "pwrite", subject: path, code: code.rawValue))
                }
            }
            return .success(())
        }
        try written.get()
    }

    /// A descriptor opened elsewhere (a pipe's end), named `path` in error messages.
    public init(adopting rawValue: Int32, path: String) {
        self.rawValue = rawValue
        self.path = path
    }

    /// One `read(2)` from the current position: what a pipe holds now (waiting for some when it holds
    /// none), 0 at its end.
    public func readSome(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try Self.retryingOnInterrupt("read", path) { systemRead(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    public func read(count: Int, at offset: Int64) throws(SystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var result: Result<Int, SystemError> = .success(0)
        bytes.withUnsafeMutableBytes { buffer in
            result = Result { () throws(SystemError) in try read(into: buffer, at: offset) }
        }
        let filled = try result.get()
        bytes.removeLast(count - filled)
        return bytes
    }

    /// Fills `buffer` from `offset` (fewer bytes only at the end of the file); returns how many were read.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let got = try Self.retryingOnInterrupt("pread", path) {
                pread(rawValue, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    /// Makes written data durable: `fdatasync` on Linux, `F_FULLFSYNC` on Darwin (plain fsync there does
    /// not reach the platter). Never retried on failure.
    public func sync() throws(SystemError) {
        #if canImport(Darwin)
            try SyscallFaults.check("fcntl(F_FULLFSYNC)", path)
            let result = fcntl(rawValue, F_FULLFSYNC)
            if result == -1 { throw SystemError(operation: "fcntl(F_FULLFSYNC)", subject: path, code: errno) }
        #else
            try SyscallFaults.check("fdatasync", path)
            let result = fdatasync(rawValue)
            if result == -1 { throw SystemError(operation: "fdatasync", subject: path, code: errno) }
        #endif
    }

    /// Makes a directory's entries durable (after create, rename or unlink in it).
    public func syncDirectory() throws(SystemError) {
        try SyscallFaults.check("fsync", path)
        if fsync(rawValue) == -1 { throw SystemError(operation: "fsync", subject: path, code: errno) }
    }

    /// The file's size in bytes.
    public func size() throws(SystemError) -> Int64 {
        var info = stat()
        if fstat(rawValue, &info) == -1 { throw SystemError(operation: "fstat", subject: path, code: errno) }
        return Int64(info.st_size)
    }

    /// Cuts the file to `length` bytes.
    public func truncate(to length: Int64) throws(SystemError) {
        _ = try Self.retryingOnInterrupt("ftruncate", path) { ftruncate(rawValue, off_t(length)) }
    }

    /// Takes an exclusive advisory lock without waiting; false when another holder has it.
    public func tryLockExclusive() throws(SystemError) -> Bool {
        switch Syscall.run({ flock(rawValue, LOCK_EX | LOCK_NB) }) {
        case .success: return true
        case .failure(let code) where code.isWouldBlock: return false
        case .failure(let code): throw SystemError(operation: "flock", subject: path, code: code.rawValue)
        }
    }

    /// Runs a syscall until it is not interrupted; -1 with any other errno throws.
    static func retryingOnInterrupt<Result: BinaryInteger>(
        _ operation: String, _ subject: String, _ call: () -> Result
    ) throws(SystemError) -> Result {
        try Syscall.checked(operation, subject, call)
    }
}

/// File-system operations on paths, through the same error type.
public enum FileSystem {
    /// Creates a directory (0700 by default) unless it exists.
    public static func makeDirectory(_ path: String, permissions: mode_t = 0o700) throws(SystemError) {
        if mkdir(path, permissions) == -1 && errno != EEXIST {
            throw SystemError(operation: "mkdir", subject: path, code: errno)
        }
    }

    /// Renames atomically within one file system.
    public static func rename(_ from: String, to: String) throws(SystemError) {
        if systemRename(from, to) == -1 {
            throw SystemError(operation: "rename", subject: "\(from) → \(to)", code: errno)
        }
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws(SystemError) {
        if unlink(path) == -1 && errno != ENOENT { throw SystemError(operation: "unlink", subject: path, code: errno) }
    }

    /// Whether a path exists.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The names in a directory, sorted by bytes (never in the order the file system returns them).
    public static func contents(of path: String) throws(SystemError) -> [String] {
        guard let directory = opendir(path) else { throw SystemError(operation: "opendir", subject: path, code: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Writes a small file so that after a crash it holds either its old or its new bytes, never a mix:
    /// a temp file beside it, fsync, rename over, fsync of the folder. New files get `permissions`.
    public static func writeDurably(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o600)
        throws(SystemError)
    {
        let temporary = "\(path).tmp-\(getpid())"
        let file = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, permissions: permissions)
        do {
            try file.writeAll(bytes)
            try file.sync()
            file.close()
        } catch {
            file.close()
            try? remove(temporary)
            throw error
        }
        try rename(temporary, to: path)
        try syncFolder(of: path)
    }

    /// Removes a file and makes the removal durable (fsync of its folder); a missing file is not an error.
    public static func removeDurably(_ path: String) throws(SystemError) {
        try remove(path)
        try syncFolder(of: path)
    }

    /// Fsyncs the folder holding `path`, so that a create, rename or unlink in it survives a crash.
    public static func syncFolder(of path: String) throws(SystemError) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let directory = try FileDescriptor.openDirectory(folder.isEmpty ? "/" : folder)
        defer { directory.close() }
        try directory.syncDirectory()
    }

    /// Reads a whole small file.
    public static func readFile(_ path: String) throws(SystemError) -> [UInt8] {
        let file = try FileDescriptor.open(path, O_RDONLY)
        defer { file.close() }
        return try file.read(count: Int(try file.size()), at: 0)
    }
}

// The module's own names shadow these libc functions; these aliases reach them on Linux and Darwin.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
