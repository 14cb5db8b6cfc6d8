"""The study loop around interviews: export to Anki."""
