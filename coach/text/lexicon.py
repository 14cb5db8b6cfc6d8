"""Closed word lists per language (en / ru / zh / fa): function words and discourse cues.

No domain vocabulary lives here, so search and grading treat a physics answer and a
transformer answer by the same rules. bm25s's English and Russian lists are added to ours
(they are broader), lazily: importing bm25s costs ~0.4 s that grading-only callers skip.
"""

from __future__ import annotations

from functools import lru_cache


def _words(text: str) -> list[str]:
    return text.split()


_OURS: frozenset[str] = frozenset(
    _words("""
    a an the and or but if then than so as of in on at to from by for with without into onto over
    under about between through during before after above below up down out off again further once
    is are was were be been being am do does did doing have has had having can could may might must
    shall should will would it its it's this that these those there here which who whom whose what
    when where why how all any both each few more most other some such only own same too very just
    also i me my we our you your he him his she her they them their one ones because while until
    not no nor yes get gets got make makes made use used uses using way ways thing things
    """)
    + _words("""
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне
    было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него
    до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы
    тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому
    этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех
    никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
    них какая
    много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им
    более всегда конечно всю между это также является являются которые который которая которое
    """)
    + _words("""
    و در به از که این را با است برای آن یک تا هم می بر شود شده کرد کند ها های ای یا اما اگر
    نیز بین پس هر چه دو بود باشد دارد داشت خود ما او آنها وی همه روی کنند شد چیست کدام
    """)
    + list("的了是在和与或及而也就都这那个之其被把对于从以为")
)

# Cues that flip a statement's polarity; a mismatch with the reference hints at a contradiction.
NEGATIONS: frozenset[str] = frozenset(
    _words("""
    not no never none neither nor cannot can't don't doesn't didn't isn't aren't wasn't weren't
    won't wouldn't shouldn't couldn't hasn't haven't hadn't without nothing nobody n't
    не нет ни никогда ничего никак без нельзя
    نه نمی نیست نیستند ندارد نمی‌شود هیچ بدون
    """)
)
CJK_NEGATIONS: tuple[str, ...] = ("不", "没", "无", "非", "未", "別", "别")
# Persian negates verbs with a prefix (ن / نمی); only whole-word cues above are safe to match.

# Words that carry no content in an interview answer.
FILLERS: frozenset[str] = frozenset(
    _words("""
    basically actually literally like um uh well kind sort really just obviously essentially
    generally somehow stuff whatever anyway honestly
    ну вот короче типа как бы значит собственно вообще просто наверное кажется
    خب یعنی واقعا اصلا مثلا
    """)
)


# Question words that open most of the bank's questions, missing from bm25s's Russian list.
_QUESTION_WORDS = _words("такое какой какая какое какие каких зачем почему")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Every word that carries no content, normalized as `coach.text.tokens.words` yields it."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_RUSSIAN

    from coach.text.tokens import normalize

    listed = (*_OURS, *NEGATIONS, *_QUESTION_WORDS, *STOPWORDS_EN_PLUS, *STOPWORDS_RUSSIAN)
    return frozenset(normalize(w) for w in listed)
