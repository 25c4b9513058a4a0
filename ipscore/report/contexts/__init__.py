"""What the report templates see: plain dicts built from the same Assessment the JSON output
serialises, in the reader's language, one module per document. No verdict or score is decided
here."""
