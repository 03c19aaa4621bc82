"""Development tools that tests and benchmarks share (not part of the installed bot)."""
