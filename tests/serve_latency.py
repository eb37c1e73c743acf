"""How long `loopkit serve` takes to show a saved edit: run from a project folder (the bundled bank, say).

    python tests/serve_latency.py [PROJECT]

Starts serve on a free port, waits for a question page, then three times changes that question's title
and polls the page (every 50 ms) until the new title shows; prints the seconds from save to page. The
question file is restored at the end. Not a test: timings depend on the machine and its load."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def fetch(url: str, contains: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if contains in urllib.request.urlopen(url, timeout=5).read().decode():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} never showed {contains!r}")


def main(project: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "loopkit", "serve", "--port", str(port)], cwd=project,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    path = min((project / "question_bank" / "questions").rglob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))[len("title: "):]
    url = f"http://127.0.0.1:{port}/kit/questions/{path.stem}/"
    try:
        fetch(url, title)
        time.sleep(3)
        for number in range(3):
            changed = f"{title} (edit {number})"
            started = time.monotonic()
            path.write_text(text.replace(f"title: {title}", f"title: {changed}", 1), encoding="utf-8")
            fetch(url, changed)
            print(f"save -> page: {time.monotonic() - started:.1f} s")
            time.sleep(3)
    finally:
        path.write_text(text, encoding="utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve())
