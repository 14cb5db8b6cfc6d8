"""The browser face (Gradio). Only app.py and `coach serve` import it; the core never does,
so batch grading, the CLI and tests of the core run without gradio."""
