import Testing

@Test func placeholderMemberLedgerHTTPTests() {}
