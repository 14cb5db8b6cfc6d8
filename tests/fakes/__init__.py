"""Fakes shared by the tests: a scripted chat model, a hashed embedder, a mini corpus."""
