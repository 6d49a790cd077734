import Testing

@Test func placeholderMemberLedgerServerTests() {}
