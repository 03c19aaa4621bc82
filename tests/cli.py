"""`python -m bot VERB ...` run inside the test process: the same `bot.cli.main` with the given
environment, working folder and standard input, its output captured as a process's would
be. Starting a real process costs ~2 s of CPU (imports, content, the matcher); the
behaviours that need one (the entry point, `run`, signals, a crash, score.py's `ask --json`)
keep a real process in their own tests."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Like subprocess.run([python, -m, bot, *args], env=env, cwd=cwd, input=stdin, text=True,
    capture_output=True); `env` replaces the whole environment (default: this process's)."""
    from bot.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env = dict(os.environ)
    saved_stdin = sys.stdin
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        sys.stdin = io.StringIO(stdin or "")
        with (
            contextlib.chdir(cwd),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: a usage error, --help
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["python", "-m", "bot", *args], code, out.getvalue(),
                                       err.getvalue())  # fmt: skip
