"""Retake the README screenshots from a running demo app (`make run`, or any seeded install).

    .venv/bin/python scripts/screenshots.py --base-url http://localhost:3000 --data-dir data

Writes docs/screenshots/{desktop,phone}-{light,dark}-{home,course,player,dashboard}.png.
Signs in as the first demo student (its password is in <data-dir>/demo-passwords.txt, as
`make run` leaves it), so the dashboard and the player show real progress. Each picture is
the visible screen, reduced to a 256-colour palette so the set stays small in git.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}
SCHEMES = ("light", "dark")
COURSE = "/courses/git-and-github-essentials"
STUDENT = "student01@demo.lms"
CHROMIUM = "/usr/lib/chromium/chromium"  # Debian's build (docs: tests/e2e/conftest.py)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def student_password(data_dir: Path) -> str:
    """The demo students' password, from the file the demo seed writes."""
    for line in (data_dir / "demo-passwords.txt").read_text().splitlines():
        if line.startswith("student="):
            return line.split("=", 1)[1]
    raise SystemExit(f"no student password in {data_dir / 'demo-passwords.txt'}")


def sign_in(page: Page, password: str) -> None:
    """As the demo student, so the dashboard and player show their progress."""
    page.goto("/login")
    page.get_by_label("Email").fill(STUDENT)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login"), timeout=30_000)


def settle(page: Page) -> None:
    """Wait for the page's heading, its pictures and the end of any animation."""
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "() => [...document.images]"
        ".filter((img) => img.getBoundingClientRect().top < innerHeight)"
        ".every((img) => img.complete)",
        timeout=30_000,
    )
    page.mouse.move(0, 0)
    page.wait_for_timeout(800)


def save(page: Page, path: Path) -> None:
    """The visible screen as a palette PNG (a fifth of the size, no visible loss here)."""
    page.screenshot(path=str(path))
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def player_url(page: Page) -> str:
    """A lesson of the course the pictures show (its free preview, open to anyone)."""
    page.goto(COURSE)
    page.get_by_role("link", name=re.compile("^Watch the free preview")).first.click()
    expect(page).to_have_url(re.compile(r"/learn/"))
    return page.url


def shoot(browser: Browser, base_url: str, password: str, out: Path) -> list[Path]:
    """Every page on every device in both themes; returns the files written."""
    written = []
    for device, options in DEVICES.items():
        for scheme in SCHEMES:
            context = browser.new_context(base_url=base_url, color_scheme=scheme, **options)
            page = context.new_page()
            sign_in(page, password)
            pages = {
                "home": "/",
                "course": COURSE,
                "player": player_url(page),
                "dashboard": "/dashboard",
            }
            for name, url in pages.items():
                page.goto(url)
                settle(page)
                path = out / f"{device}-{scheme}-{name}.png"
                save(page, path)
                written.append(path)
            context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Parse the options, take the pictures, print each file's size and the total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://localhost:3000")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    password = student_password(args.data_dir)
    executable = CHROMIUM if Path(CHROMIUM).exists() else None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        written = shoot(browser, args.base_url.rstrip("/"), password, args.out)
        browser.close()
    total = sum(path.stat().st_size for path in written)
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f"  {path.stat().st_size // 1024} KB")  # fmt: skip
    print(f"{len(written)} screenshots, {total / 1_000_000:.2f} MB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
