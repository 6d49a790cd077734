import Foundation
import MemberLedgerJournal
import MemberLedgerServer

/// The data folder's handshake for `verb` (`Handshake.load`), or exit saying why: 65 for a handshake
/// that breaks the rule (ASCII letters and digits, at least 16), 74 when the file cannot be read or made.
/// Every verb that needs the handshake loads it here, so each applies the same rule.
func loadHandshake(_ verb: String, folder: DataFolder) -> String {
    do {
        return try Handshake.load(folder: folder, environment: ProcessInfo.processInfo.environment)
    } catch let error as HandshakeError {
        fail("\(verb): handshake: \(error)", .badData)
    } catch {
        fail("\(verb): handshake: \(error)", .ioError)
    }
}
