import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Password generator")
struct PasswordGeneratorTests {
    @Test("Default length is 20")
    func defaultLength() {
        var generator = SplitMix64(seed: 1)
        #expect(PasswordGenerator.generate(using: &generator).count == 20)
    }

    @Test("Requested lengths are honoured", arguments: [16, 17, 32, 64, 128])
    func requestedLength(length: Int) {
        var generator = SplitMix64(seed: UInt64(length))
        #expect(PasswordGenerator.generate(length: length, using: &generator).count == length)
    }

    @Test("Lengths below 16 trap")
    func rejectsShortLength() async {
        await #expect(processExitsWith: .failure) {
            var generator = SystemRandomNumberGenerator()
            _ = PasswordGenerator.generate(length: 15, using: &generator)
        }
    }

    @Test("Passwords use only alphabet characters, and every character turns up")
    func onlyAlphabetCharacters() {
        let allowed = Set(PasswordGenerator.alphabet)
        var seen = Set<Character>()
        var generator = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let password = PasswordGenerator.generate(using: &generator)
            #expect(password.allSatisfy(allowed.contains))
            seen.formUnion(password)
        }
        // 10 000 draws over 64 symbols: a symbol that never appears would point at broken selection.
        #expect(seen == allowed)
    }

    @Test("Alphabet has no look-alikes, no quoting hazards and no duplicates")
    func alphabetIsReadable() {
        let alphabet = PasswordGenerator.alphabet
        let forbidden: [Character] = ["0", "O", "o", "1", "l", "I", "i", "'", "\"", "`", "\\", " "]
        for character in forbidden {
            #expect(!alphabet.contains(character), "alphabet contains \(character)")
        }
        #expect(Set(alphabet).count == alphabet.count)
        #expect(alphabet.allSatisfy { $0.isASCII && !$0.isWhitespace })
        for digit in "23456789" {
            #expect(alphabet.contains(digit))
        }
        #expect(alphabet.contains { !$0.isLetter && !$0.isNumber })
    }

    @Test("Consecutive passwords from one generator differ")
    func consecutiveDiffer() {
        var generator = SplitMix64(seed: 7)
        let first = PasswordGenerator.generate(using: &generator)
        let second = PasswordGenerator.generate(using: &generator)
        #expect(first != second)
    }

    @Test("The same seed reproduces the same password")
    func deterministicForSeed() {
        var first = SplitMix64(seed: 2024)
        var second = SplitMix64(seed: 2024)
        #expect(
            PasswordGenerator.generate(using: &first) == PasswordGenerator.generate(using: &second)
        )
    }
}
