#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's limit on open descriptors, which bounds how many connections a server can hold.
public enum OpenFileLimit {
    /// Raises the soft limit to the hard one (many systems start processes at 1,024 while allowing far
    /// more) and returns the limit now in force; nil when it cannot be read.
    @discardableResult
    public static func raiseToHardLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(resourceKind, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            #if canImport(Darwin)
                // Darwin refuses more than OPEN_MAX for the soft limit, whatever the hard one says.
                raised.rlim_cur = min(raised.rlim_cur, rlim_t(OPEN_MAX))
            #endif
            if setrlimit(resourceKind, &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}

#if canImport(Glibc)
    private let resourceKind = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
    private let resourceKind = RLIMIT_NOFILE
#endif
