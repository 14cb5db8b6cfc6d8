"""What the candidate meant: an answer, or a request to steer the interview.

Requests are short and formulaic in every language ("skip", "пропусти", "跳过", "رد کن"), so
anchored patterns over the whole message decide; anything that is not a request is an answer.
A numeric question ("how much memory for a 13B model with AdamW in bf16?") is only a candidate
for the calculators: if `coach.calculators.ask.reader` cannot parse it, it is an answer after all.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

from coach.corpus.models import Topic
from coach.corpus.topics import TOPIC_LABELS, classify


class IntentKind(StrEnum):
    ANSWER = "answer"
    SKIP = "skip"
    HINT = "hint"
    EXPLAIN = "explain"
    HARDER = "harder"
    EASIER = "easier"
    TOPIC = "topic"  # with `topic`, or only `phrase` when no taxonomy topic matches
    CALC = "calc"
    STOP = "stop"


class Intent(BaseModel):
    kind: IntentKind
    topic: Topic | None = None
    phrase: str | None = None


_COMMANDS: dict[IntentKind, str] = {
    IntentKind.SKIP: (
        r"skip( it| this( one| question)?)?|next( question| one)?|pass|(let'?s )?move on|"
        r"пропусти(ть|м|те)?( (его|это(т)?( вопрос)?))?|дальше|следующий( вопрос)?|пас|"
        r"跳过(这题|这道题|吧)?|下一题|下一个|换一题|"
        r"رد( کن| شو)?|بعدی|سؤال بعدی|سوال بعدی|بگذر"
    ),
    IntentKind.HINT: (
        r"(give me |can i (get|have) |i need |one more |another )?(a |another )?hint( please)?|"
        r"help( me)?|"
        r"(дай(те)? )?(ещё )?подсказ(ку|ка|ки|очку)|подскажи(те)?|"
        r"(给我|再给我)?(一个|个|点)?提示(一下)?|"
        r"(یه |یک )?راهنمایی( کن| کنید| بده| بدهید)?"
    ),
    IntentKind.EXPLAIN: (
        r"explain( it| this| the answer)?( please)?|(show|tell) me the (right |correct )?answer|"
        r"what is the (right |correct )?answer|"
        r"объясни(те)?( ответ| это)?|покажи(те)? (правильный )?ответ|какой правильный ответ|"
        r"解释(一下)?|讲解(一下)?|答案是什么|告诉我答案|"
        r"توضیح( بده| بدهید| دهید)?|جواب (چیه|چیست)|پاسخ (را|رو) بگو"
    ),
    IntentKind.HARDER: (
        r"(make it |something |a |ask )?(harder|more difficult|tougher)( one| question| questions)?"
        r"( please)?|(по)?сложнее( (пожалуйста|вопрос(ы)?))?|давай(те)? сложнее|"
        r"(更|再)难(一点|一些)?|难一点|来点难的|"
        r"(سؤال |سوال )?سخت[\u200c ]?تر"
    ),
    IntentKind.EASIER: (
        r"(make it |something |a |ask )?(easier|simpler)( one| question| questions)?( please)?|"
        r"(по)?проще|полегче|легче|давай(те)? проще|"
        r"(更|再)?简单(一点|一些)|容易一点|简单点|"
        r"(سؤال |سوال )?(آسان|ساده|راحت)[\u200c ]?تر"
    ),
    IntentKind.STOP: (
        r"stop|quit|exit|end( the interview)?|finish|i'?m done|that'?s (all|enough)|"
        r"стоп|хватит|закончи(ть|м)?|выход|конец|"
        r"结束(面试)?|停止|退出|"
        r"پایان|تمام|بس|خروج"
    ),
}
_COMMAND_RES = {
    kind: re.compile(rf"^(?:{pattern})$", re.IGNORECASE) for kind, pattern in _COMMANDS.items()
}

_TOPIC_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:please |can you |could you )?(?:ask me|quiz me|ask|give me (?:a )?questions?|"
        r"let'?s (?:talk|focus)|switch(?: the topic)? to|more questions) (?:about|on|to|regarding) "
        r"(?P<x>.+)$",
        r"^(?:спроси(?:те)?|задай(?:те)? (?:мне )?вопрос(?:ы)?|давай(?:те)?|поговорим|"
        r"хочу вопрос(?:ы)?|вопрос(?:ы)?) (?:мне |меня )?(?:про|о|об|по теме|по) (?P<x>.+)$",
        r"^(?:问我|考考我|考我|来点|我想练习)(?:关于|一些|一下)?(?P<x>.+?)(?:的问题|的题目|方面的问题|的题)?$",
        r"^关于(?P<x>.+?)的(?:问题|题目)$",
        r"^(?:دربارهٔ|درباره|در مورد|راجع به)\s*(?P<x>.+?)\s*(?:بپرس|سؤال کن|سوال کن|سؤال بپرس|"
        r"سوال بپرس|بپرسید)$",
    )
]

_ASKING = re.compile(
    r"^(how (much|many|big)|what('?s| is) the|compute|calculate|estimate|will|can i|does it fit|"
    r"сколько|посчитай|рассчитай|оцени|какой объ[её]м|поместится|влезет|多少|计算|估算|چقدر|"
    r"چه مقدار|محاسبه)",
    re.IGNORECASE,
)
_QUESTION_MARK = re.compile(r"[?？؟]\s*$")
_CALC_CUES = re.compile(
    r"\d+(\.\d+)?\s*[bmk]\b|\bgb\b|\bgib\b|гб|memory|памят|vram|kv.?cache|param|параметр|"
    r"bleu|rouge|perplexit|перплекс|precision|recall|\bf1\b|flops|显存|内存|参数|حافظه|پارامتر",
    re.IGNORECASE,
)

# Names a candidate uses for a topic that the classification rules do not catch.
_TOPIC_ALIASES: dict[str, Topic] = {
    "rlhf": Topic.ALIGNMENT,
    "alignment": Topic.ALIGNMENT,
    "dpo": Topic.ALIGNMENT,
    "rag": Topic.RAG,
    "retrieval": Topic.RAG,
    "transformers": Topic.ATTENTION,
    "attention": Topic.ATTENTION,
    "lora": Topic.PEFT,
    "peft": Topic.PEFT,
    "fine-tuning": Topic.PEFT,
    "finetuning": Topic.PEFT,
    "quantization": Topic.QUANTIZATION,
    "vlm": Topic.VLM,
    "diffusion": Topic.GENERATIVE,
    "agents": Topic.AGENTS,
    "tokenization": Topic.TOKENIZATION,
    "tokenizers": Topic.TOKENIZATION,
    "embeddings": Topic.EMBEDDINGS,
    "metrics": Topic.METRICS,
    "nlp": Topic.CLASSIC_NLP,
    "rnn": Topic.RNN_CNN,
    "lstm": Topic.RNN_CNN,
    "cnn": Topic.RNN_CNN,
    "decoding": Topic.DECODING,
    "inference": Topic.DECODING,
    "kv cache": Topic.DECODING,
    "distributed training": Topic.DISTRIBUTED,
    "pretraining": Topic.PRETRAINING,
    "optimization": Topic.TRAINING,
    "training": Topic.TRAINING,
    "positional encoding": Topic.POSITIONAL,
    "rope": Topic.POSITIONAL,
}


def parse(text: str) -> Intent:
    """The intent of one message from the candidate."""
    message = _normalise(text)
    for kind, pattern in _COMMAND_RES.items():
        if pattern.match(message):
            return Intent(kind=kind)
    for pattern in _TOPIC_RES:
        found = pattern.match(message)
        if found:
            phrase = found.group("x").strip(" \"'«»“”")
            return Intent(kind=IntentKind.TOPIC, topic=match_topic(phrase), phrase=phrase)
    if (asks(message) or _QUESTION_MARK.search(text)) and _CALC_CUES.search(message):
        return Intent(kind=IntentKind.CALC, phrase=text.strip())
    return Intent(kind=IntentKind.ANSWER)


def asks(text: str) -> bool:
    """Whether a message opens like a question or a request to compute something."""
    return bool(_ASKING.match(text.strip()))


def _normalise(text: str) -> str:
    message = " ".join(text.split()).strip()
    return message.rstrip(".!?。！？؟").strip()


def match_topic(phrase: str) -> Topic | None:
    """The taxonomy topic a phrase names, or None (the caller then searches for it)."""
    lowered = phrase.lower().strip()
    if lowered in _TOPIC_ALIASES:
        return _TOPIC_ALIASES[lowered]
    for topic, label in TOPIC_LABELS.items():
        if lowered in (topic.value, label.lower()):
            return topic
    # `classify` needs a default; two different defaults tell "a rule matched" from "none did".
    first = classify(phrase, default=Topic.CLASSIC_NLP)
    second = classify(phrase, default=Topic.TOOLING)
    return first if first == second else None
