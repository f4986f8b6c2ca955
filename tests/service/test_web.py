"""The web page of ``whyrec serve`` in a real headless Chromium (Debian's ``/usr/bin/chromium``
driven by playwright; nothing is downloaded): people, explained recommendations with their
evidence, feedback that changes the text, "why not X?" in the chat, 中文, a phone-width layout,
readable API errors, catalog text that holds HTML shown as text, and the API-key prompt.

The service runs for real (``whyrec serve`` in a subprocess on a free port, its own SQLite
store under ``tmp_path``); screenshots go to ``out/screenshots/`` (git-ignored) for people to
look at.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SCREENSHOTS

CHROMIUM = Path("/usr/bin/chromium")
DEMO = Path(__file__).resolve().parents[2] / "src" / "whyrec" / "data" / "demo"
#: catalog titles the page must show as text: the catalog is untrusted
INJECTED = ' <img src=x data-injected="1"><script>window.__pwned = 1</script> < 3 pairs'
INJECTED_ITEMS = ("i0018", "i0084")  # u0001's first recommendation and an item they viewed
USER = "u0001"
CJK = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT_MS = 120_000  # the first explanations of a fresh process are slow on small machines

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is not installed: the page cannot be opened "
                              "in a real browser"),
]


@dataclass
class Service:
    url: str
    db_url: str
    process: subprocess.Popen[bytes]
    log: Path


def _whyrec() -> list[str]:
    script = Path(sys.executable).with_name("whyrec")
    return [str(script)] if script.exists() else [sys.executable, "-m", "whyrec.cli.main"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHYREC_")}
    env["WHYREC_HOME"] = str(home)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(home: Path, *extra: str, data: str = "demo") -> Service:
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    db_url = f"sqlite:///{home / 'w.sqlite'}"
    log = home / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_whyrec(), "serve", "--backend", "template", "--port", str(port), "--db", db_url,
             "--data", data, *extra],
            cwd=home, env=_env(home), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        if process.poll() is not None:
            pytest.fail(f"whyrec serve exited with {process.returncode}:\n"
                        f"{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return Service(url, db_url, process, log)
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"whyrec serve did not answer /healthz in time:\n"
                        f"{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _shop_with_html_titles(folder: Path) -> Path:
    """The demo shop with HTML and a script in two titles (as an attacker's catalog would)."""
    shutil.copytree(DEMO, folder)
    items = folder / "items.csv"
    with items.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    for row in rows:
        if row["item_id"] in INJECTED_ITEMS:
            row["title"] += INJECTED
    with items.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    home = tmp_path_factory.mktemp("web")
    shop = _shop_with_html_titles(home / "shop")
    started = _start(home / "home", "--no-auth", data=str(shop))
    yield started
    _stop(started.process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"])
        yield launched
        launched.close()


class Watch:
    """A page's script errors, console errors and any request that leaves the service."""

    def __init__(self, page: Any, base: str) -> None:
        self.errors: list[str] = []
        self.console: list[str] = []
        self.outside: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: self.console.append(msg.text)
                if msg.type == "error" else None)

        def only_local(route: Any) -> None:
            if route.request.url.startswith(base) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)

    def check(self, allowed_console: str | None = None) -> None:
        assert not self.errors, f"script errors on the page: {self.errors}"
        console = [m for m in self.console
                   if allowed_console is None or not re.search(allowed_console, m)]
        assert not console, f"console errors on the page: {console}"
        assert not self.outside, f"the page loaded something from outside: {self.outside}"


def _open(browser: Any, url: str, **context: Any) -> tuple[Any, Any, Watch]:
    ctx = browser.new_context(locale="en-US", **context)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    watch = Watch(page, url)
    page.goto(f"{url}/")
    return ctx, page, watch


def _pick(page: Any, user: str) -> Any:
    """Choose ``user`` in the picker; the cards once explained."""
    from playwright.sync_api import expect

    select = page.get_by_test_id("user-select")
    expect(select.locator(f'option[value="{user}"]')).to_have_count(1)
    select.select_option(user)
    cards = page.get_by_test_id("card")
    expect(cards.first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("loading")).to_be_hidden()
    return cards


def _texts(locator: Any) -> list[str]:
    return [t.strip() for t in locator.all_text_contents()]


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    path.unlink(missing_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=name == "service.png")
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 20_000, f"{name} is only {len(png)} bytes: did the page render?"


def test_page_explains_takes_feedback_answers_and_speaks_chinese(service: Service,
                                                                 browser: Any) -> None:
    from playwright.sync_api import expect

    ctx, page, watch = _open(browser, service.url, viewport={"width": 1280, "height": 900})
    try:
        expect(page.get_by_test_id("empty")).to_be_visible()
        expect(page.get_by_test_id("key-panel")).to_be_hidden()
        # the picker lists people from GET /v1/users, and its search narrows the list
        options = page.get_by_test_id("user-select").locator("option")
        expect(options.first).to_have_attribute("value", "u0001")
        assert options.count() >= 50
        page.get_by_test_id("user-search").fill("u000")
        expect(options).to_have_count(9)  # u0001 … u0009
        page.get_by_test_id("user-search").fill("")

        cards = _pick(page, USER)
        expect(cards).to_have_count(5)
        expect(page.get_by_test_id("results-title")).to_contain_text(USER)
        ranks = _texts(page.get_by_test_id("card-rank"))
        assert ranks == [f"#{k}" for k in range(1, 6)], ranks
        titles = _texts(page.get_by_test_id("card-title"))
        explanations = _texts(page.get_by_test_id("explanation-text"))
        assert all(titles) and len(set(titles)) == 5, titles
        assert all(len(text) > 40 for text in explanations), explanations
        assert all(title.split(" <")[0] in text for title, text in zip(titles, explanations,
                                                                         strict=True))
        # template backend, no model to lose: nothing is flagged as degraded
        expect(page.get_by_test_id("degraded-flag")).to_be_hidden()
        expect(page.get_by_test_id("badge-degraded")).to_have_count(0)

        # catalog HTML never runs: markup (and a script's content) is stripped when the catalog
        # loads, and what is left is shown as text ("< 3 pairs" stays literal)
        first = cards.first
        assert first.get_attribute("data-item-id") == "i0018"
        expect(first.get_by_test_id("card-title")).not_to_contain_text("<script")
        expect(first.get_by_test_id("card-title")).not_to_contain_text("__pwned")
        expect(first.get_by_test_id("card-title")).to_contain_text("< 3 pairs")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("[data-injected]").count() == 0
        assert page.locator("#cards script, #cards img").count() == 0

        # the evidence behind the first card, in words
        evidence = first.get_by_test_id("evidence")
        facts = evidence.get_by_test_id("evidence-item")
        expect(facts.first).to_be_hidden()
        evidence.locator("summary").click()
        expect(facts.first).to_be_visible()
        words = _texts(facts)
        kinds = {facts.nth(k).get_attribute("data-kind") for k in range(facts.count())}
        assert {"history_item", "shared_feature", "cohort"} <= kinds, kinds
        assert any(re.match(r"You bought “Northpace Arrow 5 .*” \(\d+% of the score", w)
                   for w in words), words
        assert any(re.match(r"Same category “running shoes” as \d+ of your items", w)
                   for w in words), words
        assert any(re.match(r"\d+ of \d+ people who chose “.+” also chose this \(\d+%\)", w)
                   for w in words), words
        # the markup was stripped at load; the literal "<" left is shown as text
        assert any(w.startswith("You viewed “Veloran Vela 2 Racing Flat < 3 pairs”")
                   for w in words), words
        assert not any(bad in w for w in words
                       for bad in ("undefined", "NaN", "[object", "null")), words
        assert evidence.locator(".fact.cited").count() >= 1

        # feedback: "too long" makes the card fetch its explanation again, shorter
        before = first.get_by_test_id("explanation-text").text_content() or ""
        first.get_by_test_id("fb-too_long").click()
        text = first.get_by_test_id("explanation-text")
        expect(text).not_to_have_text(before)
        after = text.text_content() or ""
        assert 0 < len(after) < len(before), (before, after)
        expect(first.get_by_test_id("card-status")).to_contain_text("Updated")
        expect(first.get_by_test_id("preference-note")).to_have_text(["shorter, as you asked"])
        expect(page.get_by_test_id("user-preferences")).to_contain_text("shorter, as you asked")
        expect(first.get_by_test_id("fb-too_long")).to_have_attribute("aria-pressed", "true")

        # the catalog's price on every card (the demo shop has prices, no pictures)
        expect(cards.first.get_by_test_id("card-price")).to_have_text(re.compile(r"^\d[\d,]*\.\d\d$"))
        assert page.get_by_test_id("card-image").count() == 0

        # "why not <another recommended item>?" in the first card's chat
        other = next(k for k, title in enumerate(titles) if k > 0 and "<" not in title)
        other_title, other_rank = titles[other], other + 1
        first.get_by_test_id("chat-toggle").click()
        # the suggested "Why not …?" questions name items further down, not ones on the page
        offered = _texts(first.get_by_test_id("chat-suggestion"))[1:]
        assert len(offered) == 2 and not any(title in q for q in offered for title in titles), \
            (offered, titles)
        first.get_by_test_id("chat-input").fill(f"why not {other_title}?")
        first.get_by_test_id("chat-send").click()
        answer = first.get_by_test_id("chat-answer")
        expect(answer).to_have_count(1)
        assert answer.get_attribute("data-intent") == "why_not"
        said = answer.text_content() or ""
        assert other_title in said and re.search(rf"\bnumber {other_rank}\b", said), said
        # a question holding markup is echoed as text
        first.get_by_test_id("chat-input").fill('why not <b data-injected="1">Nothing</b>?')
        first.get_by_test_id("chat-send").click()
        expect(answer).to_have_count(2)
        expect(first.get_by_test_id("chat-question").last).to_contain_text(
            '<b data-injected="1">Nothing</b>')
        assert page.locator("[data-injected]").count() == 0
        _shot(page, "service.png")

        # 中文: UI strings and the explanations switch
        page.get_by_test_id("lang-zh").click()
        expect(page.get_by_test_id("lang-zh")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator(".tagline")).to_have_text("推荐，以及理由")
        expect(cards).to_have_count(5)
        expect(page.get_by_test_id("loading")).to_be_hidden()
        zh = _texts(page.get_by_test_id("explanation-text"))
        assert all(CJK.search(text) for text in zh), zh
        assert zh[1:] != explanations[1:]
        expect(cards.first.get_by_test_id("fb-too_long")).to_have_text("太长了")
        expect(cards.first.get_by_test_id("evidence-summary")).to_contain_text("证据")
        expect(cards.first.get_by_test_id("preference-note")).to_have_text(["按你的要求更简短"])
        cards.nth(1).get_by_test_id("chat-toggle").click()
        cards.nth(1).get_by_test_id("chat-suggestion").first.click()  # 为什么推荐这个？
        expect(cards.nth(1).get_by_test_id("chat-answer")).to_contain_text(CJK)
        page.get_by_test_id("lang-en").click()
        expect(page.locator(".tagline")).to_have_text("Recommendations, and why")
        expect(page.get_by_test_id("loading")).to_be_hidden()
        assert not CJK.search(cards.nth(2).get_by_test_id("explanation-text").text_content()
                              or "")

        # forgetting the preferences brings the longer text back
        page.get_by_test_id("reset-preferences").click()
        expect(page.get_by_test_id("user-preferences").locator("li")).to_have_count(0)
        expect(page.get_by_test_id("reset-preferences")).to_be_hidden()
        expect(cards.first.get_by_test_id("explanation-text")).to_have_text(before)

        # an API error is a readable message, not a blank page
        page.get_by_test_id("user-search").fill("nobody-at-all")
        page.get_by_test_id("user-search").press("Enter")
        error = page.get_by_test_id("error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("Not found (404)")
        expect(error).to_contain_text("unknown user 'nobody-at-all'")
        expect(page.get_by_test_id("empty")).to_be_visible()
        watch.check(allowed_console=r"status of 404")
    finally:
        ctx.close()


def test_page_fits_a_phone(service: Service, browser: Any) -> None:
    from playwright.sync_api import expect

    ctx, page, watch = _open(browser, service.url, viewport={"width": 375, "height": 812},
                             is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        cards = _pick(page, "u0003")
        first = cards.first
        first.get_by_test_id("evidence").locator("summary").click()
        first.get_by_test_id("chat-toggle").click()
        first.get_by_test_id("chat-suggestion").last.click()
        expect(first.get_by_test_id("chat-answer")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 376, f"the page scrolls sideways on a phone: {width}px wide"
        for k in range(cards.count()):
            box = cards.nth(k).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 376, box
        for testid in ("fb-too_long", "chat-send", "lang-zh"):
            box = page.get_by_test_id(testid).first.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 376, (testid, box)
            assert box["height"] >= 24, (testid, box)  # big enough to tap
        _shot(page, "service-phone.png")
        watch.check()
    finally:
        ctx.close()


def test_page_asks_for_an_api_key(tmp_path: Path, browser: Any) -> None:
    from playwright.sync_api import expect

    home = tmp_path / "home"
    home.mkdir()
    db_url = f"sqlite:///{home / 'w.sqlite'}"
    created = subprocess.run([*_whyrec(), "keys", "create", "test", "--scope", "write",
                              "--db", db_url],
                             cwd=home, env=_env(home), capture_output=True, text=True,
                             timeout=120, check=True)
    token = created.stdout.strip()
    assert token.startswith("wr_"), created.stdout
    started = _start(home)  # keys required
    ctx, page, watch = _open(browser, started.url, viewport={"width": 1280, "height": 900})
    try:
        panel = page.get_by_test_id("key-panel")
        expect(panel).to_be_visible()
        expect(page.get_by_test_id("key-message")).to_contain_text("API key")
        expect(page.get_by_test_id("user-select").locator("option")).to_have_count(0)
        expect(page.get_by_test_id("error")).to_be_hidden()

        # a wrong key is refused, and said so
        page.get_by_test_id("key-input").fill("wr_not-a-real-key")
        page.get_by_test_id("key-save").click()
        expect(page.get_by_test_id("key-message")).to_contain_text("unknown or revoked")
        expect(panel).to_be_visible()

        page.get_by_test_id("key-input").fill(token)
        page.get_by_test_id("key-save").click()
        expect(panel).to_be_hidden()
        cards = _pick(page, USER)
        expect(cards).to_have_count(5)
        assert page.evaluate("sessionStorage.getItem('whyrec.apiKey')") == token
        first = cards.first
        first.get_by_test_id("chat-toggle").click()
        first.get_by_test_id("chat-suggestion").first.click()  # Why?  (needs the write scope)
        expect(first.get_by_test_id("chat-answer")).to_contain_text(
            first.get_by_test_id("card-title").text_content() or "?")

        # the key lasts for the tab: a reload asks nothing
        page.reload()
        expect(page.get_by_test_id("user-select").locator("option").first).to_be_attached()
        expect(panel).to_be_hidden()
        watch.check(allowed_console=r"status of 401")
    finally:
        ctx.close()
        _stop(started.process)


def test_catalog_pictures_from_the_shops_own_server(tmp_path: Path, browser: Any) -> None:
    """Pictures live on the shop's servers (another origin): the page's policy lets them in, and
    one that does not load leaves no broken-image icon."""
    import functools
    import http.server
    import struct
    import threading
    import zlib

    from playwright.sync_api import expect

    pictures = tmp_path / "pictures"
    pictures.mkdir()
    # a 1x1 red PNG: the browser decodes it, so naturalWidth says whether it loaded
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    pictures.joinpath("i0018.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(pictures))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"http://127.0.0.1:{server.server_address[1]}"
    shop = tmp_path / "shop"
    shutil.copytree(DEMO, shop)
    with (shop / "items.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:  # one picture that is there, the rest missing (404)
        row["image_url"] = f"{host}/{row['item_id']}.png"
    with (shop / "items.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    started = _start(tmp_path / "home", "--no-auth", data=str(shop))
    ctx = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    try:
        page.goto(f"{started.url}/")
        cards = _pick(page, USER)
        first = cards.first
        assert first.get_attribute("data-item-id") == "i0018"
        picture = first.get_by_test_id("card-image")
        expect(picture).to_have_count(1)
        page.wait_for_function(
            "document.querySelector('[data-testid=card] img.picture')?.naturalWidth > 0")
        # the missing pictures are taken off their cards, not shown broken
        expect(page.get_by_test_id("card-image")).to_have_count(1)
        assert not blocked, blocked
    finally:
        ctx.close()
        _stop(started.process)
        server.shutdown()
