"""A spoken answer in Chromium: its fake microphone plays an espeak-ng recording, the candidate
records, sees the transcript in the answer box, sends, and gets a score card that says the
answer was spoken."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.fakes.speech import needs_espeak, spoken
from tests.ui.conftest import INDEX_BUILD_TIMEOUT, RunningApp
from tests.ui.test_browser import ARGS, CHROMIUM, DESKTOP, WAIT, shot

pytestmark = [pytest.mark.browser, needs_espeak, pytest.mark.timeout(INDEX_BUILD_TIMEOUT + 300)]

SAID = "Attention weighs the values by how well the query matches each key."


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Chromium whose microphone plays SAID (in a loop) and asks no permission."""
    wav = spoken(SAID, "en", tmp_path_factory.mktemp("voice") / "said.wav")
    fake = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *fake])
        yield browser
        browser.close()


def _record(page: Page, seconds: float) -> None:
    voice = page.locator("#coach-voice")
    voice.locator(".record-button").click()
    time.sleep(seconds)
    voice.locator(".stop-button").click()


def test_a_spoken_answer_is_shown_editable_then_graded(
    microphone: Browser, app: RunningApp, tmp_path: Path
) -> None:
    page = microphone.new_page(viewport=DESKTOP)
    page.set_default_timeout(WAIT)
    page.goto(app.url)
    page.locator("#coach-start").click()
    expect(page.locator("#coach-chat")).to_contain_text("Question 1/")
    _record(page, 6)
    expect(page.locator("#coach-voice-status")).to_contain_text("transcribed by whisper:base")
    box = page.locator("#coach-answer textarea")
    heard = box.input_value()
    assert "query matches each key" in heard.lower(), heard
    box.fill(heard + " Several heads run in parallel.")  # the candidate fixes and adds
    shot(page, "voice-transcript")
    page.locator("#coach-send").click()
    chat = page.locator("#coach-chat")
    expect(chat).to_contain_text(re.compile(r"Score \d+(\.\d+)?/10"))
    expect(chat).to_contain_text("Spoken answer:")
    expect(chat).to_contain_text("Several heads run in parallel.")
    expect(page.locator("#coach-voice-status")).to_have_text("")
    assert box.input_value() == ""
    shot(page, "voice-graded")


# Records what the page asks the browser to say, instead of saying it.
LISTEN = """
window.coachSaid = [];
const synth = { speak: (u) => window.coachSaid.push([u.text, u.lang]), cancel: () => {} };
Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
"""


def test_questions_are_read_aloud_when_asked_for(microphone: Browser, app: RunningApp) -> None:
    page = microphone.new_page(viewport=DESKTOP)
    page.set_default_timeout(WAIT)
    page.add_init_script(LISTEN)
    page.goto(app.url)
    page.locator("#coach-start").click()
    expect(page.locator("#coach-chat")).to_contain_text("Question 1/")
    assert page.evaluate("window.coachSaid") == [], "silent unless the toggle is on"
    page.locator("#coach-read-aloud input").check()
    page.locator("#coach-skip").click()
    expect(page.locator("#coach-chat")).to_contain_text("Question 2/")
    page.wait_for_function("window.coachSaid.length > 0")
    said, lang = page.evaluate("window.coachSaid")[-1]
    assert not said.startswith("**") and "Question 2/" not in said  # the question, not its header
    assert said.strip() and said.strip()[:20] in chat_text(page)
    assert lang in {"en-US", "ru-RU", "zh-CN", "fa-IR"}


def chat_text(page: Page) -> str:
    return page.locator("#coach-chat").inner_text()
