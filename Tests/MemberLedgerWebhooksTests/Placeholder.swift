import Testing

@Test func placeholderMemberLedgerWebhooksTests() {}
