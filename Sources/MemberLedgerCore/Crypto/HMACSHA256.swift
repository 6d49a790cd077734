/// HMAC with SHA-256 as the hash function, as specified in RFC 2104 (test vectors in RFC 4231).
///
/// Keys longer than the 64-byte block are first hashed, shorter ones are zero-padded, exactly as RFC 2104 §2
/// requires, so any key length is accepted.
public enum HMACSHA256 {
    /// Returns the full 32-byte HMAC-SHA256 tag of `message` under `key`.
    public static func authenticationCode(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        Key(key).authenticationCode(for: message)
    }
}

extension HMACSHA256 {
    /// A key prepared once for many messages: the SHA-256 states after absorbing `K ⊕ ipad` and `K ⊕ opad`.
    ///
    /// Each of those padded keys fills exactly one block, so precomputing them saves two of the four compressions a
    /// short message would otherwise cost. PBKDF2 relies on this to spend only two compressions per iteration.
    struct Key: Sendable {
        /// The hasher after the inner padded key; copy it and feed the message to get the inner hash.
        let inner: SHA256

        /// The hasher after the outer padded key; copy it and feed the inner hash to get the tag.
        let outer: SHA256

        /// Prepares `key` as RFC 2104 §2 describes (hash if longer than a block, then zero-pad to a block).
        init(_ key: some Collection<UInt8>) {
            let blockSize = SHA256.blockByteCount
            var block = key.count > blockSize ? SHA256.hash(key) : Array(key)
            block.append(contentsOf: repeatElement(0, count: blockSize - block.count))

            var inner = SHA256()
            inner.update(block.lazy.map { $0 ^ 0x36 })
            var outer = SHA256()
            outer.update(block.lazy.map { $0 ^ 0x5c })
            self.inner = inner
            self.outer = outer
        }

        /// Returns the 32-byte tag of `message` under this key.
        func authenticationCode(for message: some Collection<UInt8>) -> [UInt8] {
            var innerHasher = inner
            innerHasher.update(message)
            var outerHasher = outer
            outerHasher.update(innerHasher.finalize())
            return outerHasher.finalize()
        }
    }
}
