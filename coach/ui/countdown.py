"""The timed mode's visible countdown, kept in the browser: the server already records when each
question was asked and marks a late answer; a ticking clock is the candidate's view of the same
limit and needs no round trip per second."""

from __future__ import annotations

from typing import Any

import gradio as gr

# Runs on every chat update. The newest question that states a limit ("answer within 60 s") and
# has no answer after it yet gets a clock; an answer, or a question without a limit, stops it.
COUNTDOWN_JS = """
(messages) => {
  const box = document.querySelector("#coach-countdown");
  if (!box || !Array.isArray(messages)) return;
  const text = (m) => Array.isArray(m.content)
    ? m.content.map((p) => (typeof p === "string" ? p : p.text || "")).join("")
    : String(m.content || "");
  let asked = -1;
  messages.forEach((m, i) => {
    if (m.role === "assistant" && /^\\*\\*(Question|Follow-up)/.test(text(m))) asked = i;
  });
  const limit = asked < 0 ? null : text(messages[asked]).match(/answer within (\\d+) s/);
  const answered = messages.slice(asked + 1).some((m) => m.role === "user");
  const key = asked < 0 ? "" : asked + ":" + text(messages[asked]);
  if (!limit || answered) {
    clearInterval(window.coachClock);
    window.coachClockKey = "";
    box.textContent = "";
    return;
  }
  if (window.coachClockKey === key) return;
  clearInterval(window.coachClock);
  window.coachClockKey = key;
  const end = Date.now() + 1000 * Number(limit[1]);
  const tick = () => {
    const left = Math.round((end - Date.now()) / 1000);
    if (left <= 0) {
      box.textContent = "⏱ Time is up: answer anyway, it will be graded and marked late.";
      clearInterval(window.coachClock);
      return;
    }
    box.textContent = `⏱ ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left`;
  };
  tick();
  window.coachClock = setInterval(tick, 1000);
}
"""


def countdown(chatbot: Any) -> None:
    """The clock's line (under the chat) and the browser code that runs it."""
    gr.HTML("", elem_id="coach-countdown")
    chatbot.change(None, [chatbot], None, js=COUNTDOWN_JS, api_visibility="private")
