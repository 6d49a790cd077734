import Foundation
import MemberLedgerTesting
import Testing

/// What the README says must be what happens: its walkthrough block runs as a user would type it, with
/// the built binary for the alias and a temporary folder for `/tmp/shop`.
@Suite("README walkthrough")
struct ReadmeTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// The lines of the first `sh` block after `marker`.
    static func block(after marker: String) throws -> [String] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: marker))
        let rest = text[start.upperBound...]
        let open = try #require(rest.range(of: "```sh\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        return rest[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    @Test("the walkthrough runs from an empty folder: every command succeeds and says what its comment says")
    func walkthrough() throws {
        let lines = try Self.block(after: "A walkthrough")
        let binary = try #require(BuiltProduct.path("memberledger"))
        let temp = TemporaryFolder("memberledger-readme")
        var script = ["set -euo pipefail", "shopt -s expand_aliases"]
        for line in lines {
            if line.hasPrefix("swift build") {
                #expect(line.contains("alias memberledger=\"$PWD/"), "the alias must survive a cd: \(line)")
                script.append("alias memberledger=\"\(binary)\"")
                continue
            }
            script.append(line.replacingOccurrences(of: "/tmp/shop", with: temp.appending("shop")))
            if line.contains("serve") && line.contains("&") {
                // What a person does by reading the banner: wait until the server says where it listens.
                script.append("for _ in $(seq 400); do [ -s ledger-data/server.url ] && break; sleep 0.05; done")
            }
        }
        script.append("wait")
        let run = try ChildProcess.run(
            "/bin/bash", ["-c", script.joined(separator: "\n")],
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MEMBERLEDGER_") })
        let output = run.text
        #expect(run.status == 0, "\(output)\n\(run.stderr)")
        #expect(output.contains("aal_genpass") && output.contains("applied"))
        #expect(output.contains("tags: Trial"))
        #expect(output.contains("intact: 1 records"))
        #expect(output.contains(#""contactId":"42""#))
        #expect(output.contains("/?aal_updateteam="))
        #expect(!output.contains("127.0.0.1:8080/"), "webhook-url names the port serve listens on")
    }
}
