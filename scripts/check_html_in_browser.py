"""Open the HTML pages written by ``python -m kcx_nlp extract --html DIR`` in headless Chromium.

    apt-get install -y chromium           # once (Debian package)
    python scripts/check_html_in_browser.py DIR [--screenshot OUT.png]

For every page, Chromium renders it and dumps the DOM after layout; the check passes when the
rendered page still holds the entity marks (displaCy ``<mark>`` elements) and, for every relation
arc, an SVG arc with its label. ``--screenshot`` also saves a PNG of the first page to look at.
"""
import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("no Chromium found: apt-get install -y chromium")


def render(page: Path, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
                                capture_output=True, text=True, timeout=120)
    return result.stdout


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args(argv)
    pages = sorted(args.folder.glob("*.html"))
    if not pages:
        raise SystemExit(f"{args.folder}: no .html pages")
    failures = 0
    for page in pages:
        dom = render(page, "--dump-dom")
        source = page.read_text(encoding="utf-8")
        marks = dom.count("<mark")
        arcs_expected = source.count('class="displacy-arc"')
        arcs = dom.count('class="displacy-arc"')
        ok = marks == source.count("<mark") and marks > 0 and arcs == arcs_expected
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {page.name}: {marks} entity marks, {arcs} relation arcs rendered")
    if args.screenshot:
        render(pages[0], f"--screenshot={args.screenshot.resolve()}", "--window-size=1400,1800")
        print(f"screenshot of {pages[0].name} -> {args.screenshot}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
