"""The corpus: source documents parsed into a question bank, passages and an answer key."""
