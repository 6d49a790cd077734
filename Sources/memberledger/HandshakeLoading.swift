import Foundation
import MemberLedgerJournal
import MemberLedgerServer

/// The data folder's handshake for `verb` (`Handshake.load`), or exit saying why: 65 for a handshake
/// that breaks the rule (ASCII letters and digits, at least 16), 74 when the file cannot be read or made.
/// Every verb that needs the handshake loads it here, so each applies the same rule.
func loadHandshake(_ verb: String, folder: DataFolder) -> String {
    loadSecret(verb, "handshake") {
        try Handshake.load(folder: folder, environment: ProcessInfo.processInfo.environment)
    }
}

/// The data folder's admin token (`AdminToken.load`), or exit saying why, as `loadHandshake` does.
func loadAdminToken(_ verb: String, folder: DataFolder, handshake: String) -> String {
    loadSecret(verb, "admin token") {
        try AdminToken.load(folder: folder, environment: ProcessInfo.processInfo.environment, handshake: handshake)
    }
}

private func loadSecret(_ verb: String, _ name: String, _ load: () throws -> String) -> String {
    do {
        return try load()
    } catch let error as SecretError {
        fail("\(verb): \(name): \(error)", .badData)
    } catch let error as AdminTokenError {
        fail("\(verb): \(name): \(error)", .badData)
    } catch {
        fail("\(verb): \(name): \(error)", .ioError)
    }
}
