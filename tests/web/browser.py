"""A real headless Chromium driving the page: Debian's chromium through its chromedriver.

Nothing is downloaded at run time: the browser and its driver come from the system
(``apt-get install chromium chromium-driver``, which ``make test`` does as root), axe-core
from npm (``make test`` installs it into ``.venv/axe``). Without them the browser tests skip
and say how to enable them; with ``FHIRMIG_BROWSER_TESTS=required`` (set by ``make test``
when it installed them, and in CI) a missing piece is a failure instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CHROMEDRIVER = os.environ.get("FHIRMIG_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("FHIRMIG_CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("FHIRMIG_AXE") or ROOT / ".venv/axe/node_modules/axe-core/axe.min.js")
SCREENSHOTS = Path(os.environ.get("FHIRMIG_SCREENSHOTS") or ROOT / "build" / "screenshots")
HOW = (
    "the browser tests need Debian's Chromium and chromedriver and axe-core: "
    "run `make test` as root (it runs apt-get install -y chromium chromium-driver and "
    "npm install axe-core), or install them and set FHIRMIG_AXE=path/to/axe.min.js"
)


def require_browser() -> None:
    """Skip (or fail, when required) unless Chromium, chromedriver, selenium and axe are here."""
    missing = [p for p in (CHROMEDRIVER, CHROMIUM) if not shutil.which(p)]
    if not AXE.is_file():
        missing.append(str(AXE))
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        message = f"missing {', '.join(missing)}; {HOW}"
        if os.environ.get("FHIRMIG_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Served:
    """A running ``fhirmig serve`` process and the address it printed."""

    process: subprocess.Popen[str]
    url: str
    origin: str
    log: list[str] = field(default_factory=list)


def start_server(diary: Path, cwd: Path) -> Served:
    """Start ``fhirmig serve DIARY --no-browser --port 0`` and read its first line."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "fhirmig", "serve", str(diary), "--no-browser", "--port", "0"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    match = re.fullmatch(r"(http://127\.0\.0\.1:\d+)/\?token=[A-Za-z0-9_-]{20,}", first)
    if match is None:
        process.kill()
        raise AssertionError(f"first line is not the address: {first!r} {process.stderr.read()}")
    return Served(process, first, match[1])


def stop_server(served: Served) -> str:
    """Stop the server as Ctrl-C does; return what it wrote on standard error."""
    served.process.send_signal(signal.SIGINT)
    try:
        _, err = served.process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        served.process.kill()
        _, err = served.process.communicate()
    return err


class Browser:
    """Selenium's Chrome driver on Debian's Chromium, with screenshots and a request log."""

    def __init__(self, downloads: Path, shots: Path, width: int = 1280, height: int = 900) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter",
            "--hide-scrollbars", f"--window-size={width},{height}",
        ):  # fmt: skip
            options.add_argument(flag)
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(downloads),
                "download.prompt_for_download": False,
                "safebrowsing.enabled": False,
            },
        )
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        if width < 600:  # a phone: its width, its pixel ratio and touch, as DevTools emulates
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
            )
        self.downloads = downloads
        self.shots = shots
        self.count = 0
        self.requested: list[str] = []

    def shot(self, name: str) -> Path:
        """Save a screenshot of the page as it is now, numbered in visiting order."""
        self.shots.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path = self.shots / f"{self.count:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def full_shot(self, name: str) -> Path:
        """A screenshot of the whole page, however long (through the DevTools protocol)."""
        import base64

        self.shots.mkdir(parents=True, exist_ok=True)
        self.count += 1
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        data = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"],
                    "scale": 1,
                },
            },
        )
        path = self.shots / f"{self.count:02d}-{name}.png"
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def requests(self) -> list[str]:
        """Every URL the browser asked for since the last call (page, styles, scripts, ...)."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
        return self.requested

    def axe(self) -> list[dict[str, Any]]:
        """The violations axe-core finds on the page now (WCAG 2.x A and AA, best practices)."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result: dict[str, Any] = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
            ".then(r => done(r)).catch(e => done({error: String(e)}));"
        )
        assert "error" not in result, result
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]

    def wait_download(self, suffix: str, timeout: float = 60) -> Path:
        """The downloaded file ending in ``suffix``, once complete."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [
                p for p in self.downloads.glob(f"*{suffix}") if not p.name.endswith(".crdownload")
            ]
            if done:
                return done[0]
            time.sleep(0.2)
        raise AssertionError(
            f"no {suffix} download in {timeout} s: {list(self.downloads.iterdir())}"
        )

    def quit(self) -> None:
        """Close the browser."""
        self.driver.quit()


def open_browser(tmp_path: Path, test_name: str, **size: int) -> Iterator[Browser]:
    """A Browser for one test; its screenshots go to build/screenshots/<test>/."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shots = SCREENSHOTS / test_name
    shutil.rmtree(shots, ignore_errors=True)
    browser = Browser(downloads, shots, **size)
    try:
        yield browser
    finally:
        browser.quit()
