"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against
`python app.py` offline: an interview with its score card and export, multiple-choice options,
a refresh that resumes, batch grading, the memory calculator, two users side by side, and the
page on a desktop and on a 390-px phone. Screenshots go to $TMPDIR/coach-screens."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from tests.ui.conftest import INDEX_BUILD_TIMEOUT, REPO, RunningApp

pytestmark = [pytest.mark.browser, pytest.mark.timeout(INDEX_BUILD_TIMEOUT + 300)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENS = Path(tempfile.gettempdir()) / "coach-screens"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT = 60_000  # ms; grading on a busy 2-core machine
expect.set_options(timeout=WAIT)
MCQ = "fa-vlm-q1-1"  # CLIP ViT-B/32 embedding size; its key says which option is right
ANSWER = (
    "Self-attention lets every token weigh every other token: queries are compared with keys, "
    "the softmax of the scaled scores weights the values, and several heads run in parallel."
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(WAIT)
    yield context
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def open_app(context: BrowserContext, app: RunningApp) -> Page:
    page = context.new_page()
    page.goto(app.url)
    expect(page.locator("#coach-start")).to_be_visible()
    return page


def chat(page: Page) -> str:
    return page.locator("#coach-chat").inner_text()


def start(page: Page) -> None:
    page.locator("#coach-start").click()
    expect(page.locator("#coach-chat")).to_contain_text("Question 1/")


def answer(page: Page, text: str) -> None:
    page.locator("#coach-answer textarea").fill(text)
    page.locator("#coach-send").click()
    expect(page.locator("#coach-chat")).to_contain_text(re.compile(r"Score \d+(\.\d+)?/10"))
    expect(page.locator("#coach-status")).to_have_text("")


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px"


def test_an_offline_interview_with_score_card_summary_and_export(
    context: BrowserContext, app: RunningApp
) -> None:
    page = open_app(context, app)
    expect(page.locator("#coach-banner")).to_contain_text("Offline mode")
    shot(page, "desktop-start")
    start(page)
    answer(page, ANSWER)
    text = chat(page)
    assert ANSWER in text
    assert "Graded by the offline grader" in text
    card = page.locator("#coach-chat details summary").last
    expect(card).to_contain_text("Sources")
    shot(page, "desktop-score-card")
    page.locator("#coach-finish").click()
    expect(page.locator("#coach-chat")).to_contain_text("Interview summary")
    expect(page.locator("#coach-summary-plot")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Export the report")).click()
    page.get_by_label("Markdown").check()
    page.locator("#coach-export-button").click()
    link = page.locator("#coach-report a").first
    with page.expect_download() as download:
        link.click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert report.startswith("# ") and ANSWER[:40] in report
    shot(page, "desktop-summary")


JD = (
    "We are hiring an ML engineer for our search team: retrieval-augmented generation, vector "
    "databases and approximate nearest neighbour indexes (HNSW), and evaluating rankings."
)


def test_a_tailored_timed_interview_counts_down_and_exports(
    context: BrowserContext, app: RunningApp
) -> None:
    page = open_app(context, app)
    page.locator("#coach-jd textarea").fill(JD)
    page.locator("#coach-time-limit input").fill("30")
    page.locator("#coach-start").click()
    chat_box = page.locator("#coach-chat")
    expect(chat_box).to_contain_text("Question 1/")
    expect(chat_box).to_contain_text("the job description asks for")
    expect(chat_box).to_contain_text("answer within 30 s")
    clock = page.locator("#coach-countdown")
    expect(clock).to_contain_text(re.compile(r"⏱ 0:(2\d|30) left"))
    first = clock.inner_text()
    page.wait_for_timeout(2500)
    assert clock.inner_text() != first, "the clock ticks"
    shot(page, "timed-countdown")
    answer(page, "HNSW builds a layered proximity graph and searches it greedily from the top.")
    expect(chat_box).to_contain_text(re.compile(r"Question 2/|Follow-up"))
    expect(clock).to_contain_text("left")  # a new clock for the new question
    page.locator("#coach-finish").click()
    expect(chat_box).to_contain_text("Interview summary")
    expect(clock).to_have_text("")
    page.get_by_role("button", name=re.compile("^Export the report")).click()
    page.get_by_label("Markdown").check()
    page.locator("#coach-export-button").click()
    with page.expect_download() as download:
        page.locator("#coach-report a").first.click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert "HNSW builds a layered proximity graph" in report


def test_multiple_choice_options_are_buttons(context: BrowserContext, app: RunningApp) -> None:
    store = SessionStore(app.data_dir / "sessions.sqlite3")
    seeded = RecordedInterviewer(
        Interview(new_state(InterviewConfig(lang="en", questions=1, review=[MCQ]))), store
    )
    list(seeded.start())
    page = open_app(context, app)
    page.get_by_role("tab", name="Progress").click()
    page.locator("#coach-resume-pick input").click()
    page.get_by_role("option", name=seeded.state.id).click()
    page.locator("#coach-resume").click()
    options = page.locator("#coach-chat .option")
    expect(options.first).to_be_visible()
    assert options.count() == len(seeded.state.turns[0].options) > 1
    shot(page, "desktop-multiple-choice")
    options.nth(1).click()
    expect(page.locator("#coach-chat")).to_contain_text(re.compile(r"Score \d+(\.\d+)?/10"))
    assert "B" in [line.strip() for line in chat(page).splitlines()]


def test_a_refresh_resumes_the_interview(context: BrowserContext, app: RunningApp) -> None:
    page = open_app(context, app)
    start(page)
    answer(page, "Resume me: " + ANSWER)
    page.reload()
    expect(page.locator("#coach-chat")).to_contain_text("Resume me: ")
    expect(page.locator("#coach-chat")).to_contain_text(re.compile(r"Score \d+(\.\d+)?/10"))
    page.locator("#coach-hint").click()
    expect(page.locator("#coach-chat")).to_contain_text(re.compile(r"Hint 1:|No more hints"))


def test_two_browsers_do_not_see_each_others_chat(browser: Browser, app: RunningApp) -> None:
    first = browser.new_context(viewport=DESKTOP)
    second = browser.new_context(viewport=DESKTOP)
    try:
        pages = [open_app(first, app), open_app(second, app)]
        for page in pages:
            page.set_default_timeout(WAIT)
            start(page)
        words = ["Alpha candidate: " + ANSWER, "Bravo candidate: " + ANSWER]
        for page, text in zip(pages, words, strict=True):
            page.locator("#coach-answer textarea").fill(text)
        for page in pages:  # both turns in flight at once
            page.locator("#coach-send").click()
        for page in pages:
            expect(page.locator("#coach-chat")).to_contain_text(re.compile(r"Score \d"))
        assert "Alpha candidate" in chat(pages[0]) and "Bravo" not in chat(pages[0])
        assert "Bravo candidate" in chat(pages[1]) and "Alpha" not in chat(pages[1])
    finally:
        first.close()
        second.close()


def test_batch_grading_upload_and_download(context: BrowserContext, app: RunningApp) -> None:
    page = open_app(context, app)
    page.get_by_role("tab", name="Batch").click()
    page.locator("#coach-batch-files input[type=file]").set_input_files(
        str(REPO / "examples" / "answers.jsonl")
    )
    page.locator("#coach-batch-run").click()
    expect(page.locator("#coach-batch-summary")).to_contain_text("Graded")
    links = page.locator("#coach-batch-downloads a")
    expect(links).to_have_count(4)
    with page.expect_download() as download:
        page.locator('#coach-batch-downloads a[download="results.csv"]').click()
    header = Path(download.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,file,line,question_id,topic,score,verdict")
    expect(page.locator("#coach-batch-chart")).to_be_visible()
    shot(page, "desktop-batch")


def test_the_memory_calculator(context: BrowserContext, app: RunningApp) -> None:
    page = open_app(context, app)
    page.get_by_role("tab", name="Calculators").click()
    page.locator("#coach-mem-run").click()
    result = page.locator("#coach-mem-result")
    expect(result).to_contain_text("memory: 56 GB")  # 7B, fp16, Adam, naive: 14 × 4
    expect(page.locator("#coach-mem-fits")).to_contain_text("H100 80GB")
    expect(page.locator("#coach-mem-chart")).to_be_visible()
    expect(page.get_by_text("Step by step:")).to_be_visible()
    shot(page, "desktop-memory")


def test_the_page_reads_on_a_phone(browser: Browser, app: RunningApp) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(WAIT)
    try:
        page = open_app(context, app)
        no_sideways_scroll(page)
        shot(page, "phone-start")
        start(page)
        answer(page, ANSWER)
        no_sideways_scroll(page)
        box = page.locator("#coach-send").bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
        shot(page, "phone-score-card")
        page.get_by_role("tab", name="Calculators").click()
        page.locator("#coach-mem-run").click()
        expect(page.locator("#coach-mem-result")).to_contain_text("GB")
        no_sideways_scroll(page)
        shot(page, "phone-memory")
    finally:
        context.close()
