"""Debian's headless Chromium under Selenium, for the pages people look at (the board, the patient page).

Needs the packages chromium and chromium-driver (`./run test` installs them when it can). Without them a
test skips, naming what is missing, except when CI=true, where it fails: no silent skips in CI.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # screenshots (git-ignored)


@contextlib.contextmanager
def chromium(*, window: str = "1280,720", lang: str = "zh-CN") -> Iterator[webdriver.Chrome]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        message = f"headless Chromium is not installed ({', '.join(missing)} missing: apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI=true: the browser tests are required", pytrace=False)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        f"--window-size={window}",
        f"--lang={lang}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def viewport(
    driver: webdriver.Chrome, width: int, height: int, *, mobile: bool = False, scale: float = 1
) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
